import { Extensions, Field, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../../graphql/shared';
import { Household } from './householdTypes';
import { Person } from './personTypes';

/** Charged by the cost limiter like a page of this many objects: a count reads every matching row. */
export const TOTAL_COUNT_COST = 100;

const TOTAL_COUNT_DESCRIPTION =
  'How many items match the filter (and the client’s territorial scope), whatever the page. Exact; computed only when ' +
  'selected, with one count over the indexed filter columns (a count of the whole table reads all of it).';

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

  @Field(() => Int, { description: TOTAL_COUNT_DESCRIPTION })
  @Extensions({ cost: TOTAL_COUNT_COST })
  totalCount!: () => Promise<number>;
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

  @Field(() => Int, { description: TOTAL_COUNT_DESCRIPTION })
  @Extensions({ cost: TOTAL_COUNT_COST })
  totalCount!: () => Promise<number>;
}
