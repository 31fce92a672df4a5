import { Sensitive } from '../../graphql/shared';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AffiliationState, SisbenGroup } from '../../graphql/shared';
import { LogroStateEnum } from './logroTypes';

export const TerritoryLevel = { NATIONAL: 'national', DEPARTMENT: 'department', MUNICIPALITY: 'municipality' } as const;
registerEnumType(TerritoryLevel, { name: 'TerritoryLevel', description: 'The territory each line of a report stands for.' });

export const LogroCountUnit = { HOUSEHOLDS: 'households', PERSONS: 'persons' } as const;
registerEnumType(LogroCountUnit, { name: 'LogroCountUnit' });

export const LogroFacet = {
  DEPARTMENT: 'department',
  MUNICIPALITY: 'municipality',
  LOGRO: 'logro',
  STATE: 'state',
  SISBEN_GROUP: 'sisbenGroup',
  DISPLACED: 'displaced',
  HEALTH_STATE: 'healthState',
} as const;
registerEnumType(LogroFacet, { name: 'LogroFacet', description: 'A facet to group logro counts by (HEALTH_STATE: persons only).' });

@ObjectType({
  simpleResolvers: true,
  description:
    'An aggregate count under statistical disclosure control. For readers, a count from 1 to the threshold minus one (default 5) comes back ' +
    'suppressed: value null, suppressed true; a second cell is suppressed where one hidden cell could be recovered by subtraction. Stewards and admins get exact counts.',
})
export class DisclosedCount {
  @Field(() => Int, { nullable: true, description: 'null when suppressed.' })
  value!: number | null;

  @Field(() => Boolean)
  suppressed!: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'A DIVIPOLA territory (department or municipality).' })
export class ReportTerritory {
  @Field(() => String, { description: 'DANE code.' })
  code!: string;

  // A DIVIPOLA department or municipality name, not a person's.
  @Field(() => String)
  @Sensitive('public')
  name!: string;
}

@ObjectType({ simpleResolvers: true })
export class SisbenGroupCount {
  @Field(() => SisbenGroup, { nullable: true, description: 'null: households without a Sisbén IV group.' })
  group!: string | null;

  @Field(() => DisclosedCount)
  households!: DisclosedCount;
}

@ObjectType({ simpleResolvers: true, description: 'Demand against supply for one territory and logro.' })
export class TerritorialReportLine {
  @Field(() => ReportTerritory, { nullable: true, description: 'null at the national level.' })
  department!: ReportTerritory | null;

  @Field(() => ReportTerritory, { nullable: true, description: 'null above the municipal level.' })
  municipality!: ReportTerritory | null;

  @Field(() => Int, { description: 'LB number.' })
  logroId!: number;

  @Field(() => DisclosedCount, { description: 'Households POR ALCANZAR (demand).' })
  demand!: DisclosedCount;

  @Field(() => Int, { description: 'Cupos offered for this logro in the territory (Mapa de Oferta Local, programs in their period on the report date).' })
  supply!: number;

  @Field(() => DisclosedCount, { description: 'demand − supply: households the offer cannot reach (negative: cupos left over). Suppressed with the demand.' })
  gap!: DisclosedCount;

  @Field(() => DisclosedCount, { description: 'Households ALCANZADO.' })
  reached!: DisclosedCount;

  @Field(() => DisclosedCount, { description: 'Households SIN DATO.' })
  withoutData!: DisclosedCount;

  @Field(() => [SisbenGroupCount], { description: 'The demand by Sisbén IV group (A, B, C, D, none).' })
  demandBySisbenGroup!: SisbenGroupCount[];

  @Field(() => DisclosedCount, { description: 'Demand from households with a displaced member (RUV).' })
  demandDisplaced!: DisclosedCount;

  @Field(() => DisclosedCount)
  demandNotDisplaced!: DisclosedCount;
}

@ObjectType({ simpleResolvers: true, description: 'The territorial report: per territory and logro, households POR ALCANZAR against the cupos offered.' })
export class TerritorialReport {
  @Field(() => TerritoryLevel)
  level!: string;

  @Field(() => Int, { nullable: true, description: 'The disclosure threshold applied to these figures (null: exact).' })
  disclosureThreshold!: number | null;

  @Field(() => [TerritorialReportLine])
  lines!: TerritorialReportLine[];
}

@InputType({ description: 'Filters of logro counts (all optional; combined with AND).' })
export class LogroCountFilter {
  @Field(() => String, { nullable: true, description: 'DANE department code.' })
  department?: string | null;

  @Field(() => String, { nullable: true, description: 'DANE municipality code.' })
  municipality?: string | null;

  @Field(() => Int, { nullable: true, description: 'LB number.' })
  logro?: number | null;

  @Field(() => LogroStateEnum, { nullable: true })
  state?: string | null;

  @Field(() => SisbenGroup, { nullable: true })
  sisbenGroup?: string | null;

  @Field(() => Boolean, { nullable: true })
  displaced?: boolean | null;

  @Field(() => AffiliationState, { nullable: true, description: 'Persons only.' })
  healthState?: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'One group of a faceted count; facets not grouped by are null.' })
export class LogroCountGroup {
  @Field(() => String, { nullable: true })
  department!: string | null;

  @Field(() => String, { nullable: true })
  municipality!: string | null;

  @Field(() => Int, { nullable: true })
  logroId!: number | null;

  @Field(() => LogroStateEnum, { nullable: true })
  state!: string | null;

  @Field(() => SisbenGroup, { nullable: true })
  sisbenGroup!: string | null;

  @Field(() => Boolean, { nullable: true })
  displaced!: boolean | null;

  @Field(() => AffiliationState, { nullable: true })
  healthState!: string | null;

  @Field(() => DisclosedCount)
  count!: DisclosedCount;
}

@ObjectType({ simpleResolvers: true, description: 'Logro counts with facets, from the maintained aggregates.' })
export class LogroCounts {
  @Field(() => LogroCountUnit)
  unit!: string;

  @Field(() => Int, { nullable: true, description: 'The disclosure threshold applied (null: exact).' })
  disclosureThreshold!: number | null;

  @Field(() => DisclosedCount)
  total!: DisclosedCount;

  @Field(() => [LogroCountGroup])
  groups!: LogroCountGroup[];
}
