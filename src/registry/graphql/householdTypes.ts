import { Field, ID, Int, ObjectType } from 'type-graphql';
import { RecordStatus, SisbenGroup, Source, Zone, LocalDateScalar, PersonalType, Sensitive } from '../../graphql/shared';
import { Node } from './nodeTypes';
import { KinshipRole } from './referenceTypes';

@ObjectType({ description: 'A household as a source defines it (Sisbén IV: ficha + hogar).', implements: Node })
@PersonalType<Household>({ auditSubject: (h) => ({ subjectType: 'household', subjectId: h.id, personId: null }) })
export class Household implements Node {
  @Field(() => ID)
  @Sensitive('public')
  id!: string;

  @Field(() => Source)
  @Sensitive('public')
  source!: string;

  @Field(() => Zone, { nullable: true })
  @Sensitive('personal')
  zone!: string | null;

  @Field(() => String, { nullable: true, description: 'Sisbén ficha (ide_ficha_origen).' })
  @Sensitive('identifier')
  sisbenFicha!: string | null;

  @Field(() => SisbenGroup, { nullable: true })
  @Sensitive('personal')
  sisbenGroup!: string | null;

  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  sisbenSubgroup!: string | null;

  @Field(() => RecordStatus)
  @Sensitive('public')
  status!: string;

  internalId!: number;
  municipalityCode!: string;
  sourceRecordId!: number;
}

@ObjectType({ description: 'Membership of a person in a household.' })
@PersonalType()
export class HouseholdMember {
  @Field(() => KinshipRole, { nullable: true, description: 'Parentesco con el jefe del hogar.' })
  @Sensitive('personal')
  role!: KinshipRole | null;

  @Field(() => Int, { nullable: true, description: 'Order in the household (Sisbén ide_persona).' })
  @Sensitive('personal')
  order!: number | null;

  @Field(() => LocalDateScalar, { nullable: true })
  @Sensitive('personal')
  validFrom!: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: 'null while the membership is current.' })
  @Sensitive('personal')
  validTo!: string | null;

  householdId!: number;
  personId!: number;
  sourceRecordId!: number;
}
