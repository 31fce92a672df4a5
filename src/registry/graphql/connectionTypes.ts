import { Field, ObjectType } from 'type-graphql';
import { PageInfo } from '../../graphql/shared';
import { Household } from './householdTypes';
import { Person } from './personTypes';

@ObjectType({ simpleResolvers: true })
export class PersonEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Person)
  node!: Person;
}

@ObjectType({ simpleResolvers: true })
export class PersonConnection {
  @Field(() => [PersonEdge])
  edges!: PersonEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType({ simpleResolvers: true })
export class HouseholdEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Household)
  node!: Household;
}

@ObjectType({ simpleResolvers: true })
export class HouseholdConnection {
  @Field(() => [HouseholdEdge])
  edges!: HouseholdEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
