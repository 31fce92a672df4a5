import { QUEUED_REVIEW_STATUSES } from '../../../schema';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { EntityIdentityRow, ReviewStatus as Status } from '../reviewRepository';
import { LinksExportService } from '../linksExportService';
import type { StewardshipContext } from './context';
import { Source, fromSourceEnum, toSourceEnum, Allow, OPERATION_ROLES, Sensitive, parseId } from '../../graphql/shared';
import { sourceRecordOf, Person, SourceRecord } from '../../registry';
import { CompetingValue, CompetingValues, LinksExport, PersonMerge, RecordLink, RecordMove } from './linksTypes';
import { ReconciliationRun, toReconciliationRun } from '../../reconciliation';
import { ReviewItem, ReviewStatus } from './reviewTypes';
import { toLinksExport, toPersonMerge, toRecordLink, toRecordMove, toReviewItem } from './mappers';
const nameOf = (e: EntityIdentityRow) => [e.firstName, e.secondName, e.firstSurname, e.secondSurname].filter(Boolean).join(' ') || null;
const ATTRIBUTES: { attribute: string; value: (e: EntityIdentityRow) => string | null; winner: (p: Person) => number | null }[] = [
  { attribute: 'name', value: (e) => (e.firstName || e.firstSurname ? nameOf(e) : null), winner: (p) => p.nameSourceRecordId },
  { attribute: 'birthDate', value: (e) => e.birthDate, winner: (p) => p.birthDateSourceRecordId },
  { attribute: 'sex', value: (e) => e.sex, winner: (p) => p.sexSourceRecordId },
  { attribute: 'municipality', value: (e) => e.municipalityCode, winner: (p) => p.municipalitySourceRecordId },
];

/** How a person was formed: its links, merges, competing values and open questions about it. */
@Resolver(() => Person)
export class PersonExplanationResolver {
  @FieldResolver(() => [RecordLink], {
    description: 'Every linked source record with how it joined this person (link type, score, reasons, per-field evidence).',
  })
  @Sensitive('public')
  async links(@Root() p: Person, @Ctx() ctx: StewardshipContext): Promise<RecordLink[]> {
    return (await ctx.loaders.linksByPerson.load(p.internalId)).map(toRecordLink);
  }

  @FieldResolver(() => [ID], { description: 'Public ids of persons merged into this one (they resolve to it).' })
  @Sensitive('public')
  async mergedFrom(@Root() p: Person, @Ctx() ctx: StewardshipContext): Promise<string[]> {
    return (await ctx.loaders.mergedIdsByPerson.load(p.internalId)).map((m) => m.publicId);
  }

  @FieldResolver(() => [PersonMerge], { description: 'Merges into this person, newest first (undone ones included); undo with unmerge(mergeId).' })
  @Sensitive('public')
  async merges(@Root() p: Person, @Ctx() ctx: StewardshipContext): Promise<PersonMerge[]> {
    return (await ctx.loaders.mergesBySurvivor.load(p.internalId)).map(toPersonMerge);
  }

  @FieldResolver(() => [RecordMove], {
    description: 'Single records moved into or out of this person by a relink, newest first (undone ones included); undo with undoRecordMove(moveId).',
  })
  @Sensitive('public')
  async recordMoves(@Root() p: Person, @Ctx() ctx: StewardshipContext): Promise<RecordMove[]> {
    return (await ctx.loaders.movesByPerson.load(p.internalId)).map(toRecordMove);
  }

  @FieldResolver(() => [CompetingValues], { description: 'For each golden attribute, the value every linked record holds and which one won (survivorship).' })
  @Sensitive('personal')
  async competingValues(@Root() p: Person, @Ctx() ctx: StewardshipContext): Promise<CompetingValues[]> {
    const entities = await ctx.loaders.entitiesByPerson.load(p.internalId);
    return ATTRIBUTES.map((a) => ({
      attribute: a.attribute,
      values: entities
        .map((e) => ({ e, value: a.value(e) }))
        .filter((x) => x.value !== null)
        .map(({ e, value }) => ({
          value,
          source: toSourceEnum(e.source),
          recordStatus: e.status,
          won: a.winner(p) === e.currentRecordId,
          recordId: e.currentRecordId,
          personId: p.internalId,
        })),
    }));
  }

  @Allow('steward', 'admin')
  @FieldResolver(() => [ReviewItem], { description: 'Review items about this person, newest first (stewards and admins).' })
  @Sensitive('personal')
  async reviewItems(
    @Root() p: Person,
    @Ctx() ctx: StewardshipContext,
    @Arg('status', () => [ReviewStatus], { nullable: true, description: 'Default: OPEN and DEFERRED.' }) status?: Status[],
  ): Promise<ReviewItem[]> {
    const wanted = new Set<Status>(status?.length ? status : QUEUED_REVIEW_STATUSES);
    return (await ctx.loaders.reviewItemsByPerson.load(p.internalId)).filter((i) => wanted.has(i.status)).map(toReviewItem);
  }
}

@Resolver(() => RecordLink)
export class RecordLinkResolver {
  @FieldResolver(() => SourceRecord, { nullable: true, description: 'The linked record (current version).' })
  @Sensitive('public')
  record(@Root() l: RecordLink, @Ctx() ctx: StewardshipContext) {
    return sourceRecordOf(l.recordId, ctx);
  }

  @FieldResolver(() => SourceRecord, { nullable: true, description: 'The already-linked record it matched (null for a new person or a steward placement).' })
  @Sensitive('public')
  matchedRecord(@Root() l: RecordLink, @Ctx() ctx: StewardshipContext) {
    return sourceRecordOf(l.matchedRecordId, ctx);
  }

  @FieldResolver(() => ReconciliationRun, { nullable: true })
  @Sensitive('public')
  async run(@Root() l: RecordLink, @Ctx() ctx: StewardshipContext) {
    if (l.runId === null) return null;
    const r = await ctx.loaders.reconciliationRunById.load(l.runId);
    return r && toReconciliationRun(r);
  }
}

@Resolver(() => RecordMove)
export class RecordMoveResolver {
  @FieldResolver(() => SourceRecord, { nullable: true, description: 'The moved record (current version).' })
  @Sensitive('public')
  async record(@Root() m: RecordMove, @Ctx() ctx: StewardshipContext) {
    const e = await ctx.loaders.entityById.load(m.entityId);
    return e ? sourceRecordOf(e.currentRecordId, ctx) : null;
  }
}

@Resolver(() => CompetingValue)
export class CompetingValueResolver {
  @FieldResolver(() => SourceRecord, { nullable: true, description: 'The record holding this value.' })
  @Sensitive('public')
  record(@Root() v: CompetingValue, @Ctx() ctx: StewardshipContext) {
    return sourceRecordOf(v.recordId, ctx);
  }
}

@Resolver(() => LinksExport)
export class LinksExportResolver {
  @Allow(...OPERATION_ROLES)
  @Mutation(() => LinksExport, {
    description:
      'Exports every record’s link (source,file,line,person_id,link_type,score) to a CSV in the server’s EXPORT_DIR, by a background job. ' +
      'With the job queue down the export is recorded as PENDING.',
  })
  async exportLinks(
    @Ctx() ctx: StewardshipContext,
    @Arg('source', () => Source, { nullable: true, description: 'Only this source; every source when omitted.' }) source?: string,
  ) {
    const row = await ctx.services.linksExport.request(source ? LinksExportService.parseSource(fromSourceEnum(source)) : null, ctx.principal.actor);
    return toLinksExport(row);
  }

  @Allow(...OPERATION_ROLES)
  @Query(() => LinksExport, { nullable: true })
  async linksExport(@Arg('id', () => ID) id: string, @Ctx() ctx: StewardshipContext) {
    const row = await ctx.services.linksExport.get(parseId(id, 'a links export id'));
    return row && toLinksExport(row);
  }
}
