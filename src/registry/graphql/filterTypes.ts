import { Field, InputType } from 'type-graphql';
import { AffiliationState, SisbenGroup, Subsystem, Zone } from '../../graphql/shared';

@InputType({ description: 'All given conditions must hold.' })
export class PersonFilter {
  @Field(() => String, { nullable: true, description: 'DANE department code, e.g. "05".' })
  department?: string;

  @Field(() => String, { nullable: true, description: 'DANE municipality code, e.g. "05001" ("5001" is accepted).' })
  municipality?: string;

  @Field(() => SisbenGroup, { nullable: true })
  sisbenGroup?: 'A' | 'B' | 'C' | 'D';

  @Field(() => Boolean, { nullable: true, description: 'Registered as forcibly displaced (RUV hecho 5).' })
  displaced?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Registered in the victims’ registry.' })
  victim?: boolean;

  @Field(() => AffiliationState, { nullable: true, description: 'Has an active affiliation record in this state.' })
  affiliationState?: (typeof AffiliationState)[keyof typeof AffiliationState];

  @Field(() => Subsystem, { nullable: true, description: 'Restricts affiliationState to one subsystem.' })
  subsystem?: (typeof Subsystem)[keyof typeof Subsystem];
}

@InputType({ description: 'All given conditions must hold.' })
export class HouseholdFilter {
  @Field(() => String, { nullable: true, description: 'DANE department code, e.g. "05".' })
  department?: string;

  @Field(() => String, { nullable: true, description: 'DANE municipality code, e.g. "05001".' })
  municipality?: string;

  @Field(() => SisbenGroup, { nullable: true })
  sisbenGroup?: 'A' | 'B' | 'C' | 'D';

  @Field(() => Zone, { nullable: true })
  zone?: (typeof Zone)[keyof typeof Zone];

  @Field(() => Boolean, { nullable: true, description: 'At least one current member is registered as displaced.' })
  displaced?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'At least one current member is registered as a victim.' })
  victim?: boolean;
}
