import { Field, ID, Int, ObjectType } from 'type-graphql';
import { RecordStatus, SisbenGroup, Source, Zone, LocalDateScalar, PersonalType, Sensitive } from '../../graphql/shared';
import { Node } from './nodeTypes';
import { KinshipRole } from './referenceTypes';
import type { RegistryLoaders } from './loaders';

@ObjectType({ description: 'A household as a source defines it (Sisbén IV: ficha + hogar).', implements: Node })
// The ficha identifies every member: one audit row per member person, so a titular's
// `identifierReads` finds the reads of their household's ficha too.
@PersonalType<Household>({
  auditSubject: async (h, ctx: { loaders: RegistryLoaders }) =>
    [...new Set((await ctx.loaders.membersByHousehold.load(h.internalId)).map((m) => m.personId).filter((id): id is number => id != null))].map((personId) => ({
      subjectType: 'household',
      subjectId: h.id,
      personId,
    })),
})
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
