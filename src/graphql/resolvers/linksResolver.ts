import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AppError } from '../../kernel/errors';
import type { EntityIdentityRow, EntityLinkRow, MergeRow, ReviewStatus as Status } from '../../repositories/reviewRepository';
import type { LinksExportRow } from '../../repositories/linksExportRepository';
import { LinksExportService } from '../../services/linksExport';
import type { GraphQLContext } from '../context';
import { Source, fromSourceEnum, toSourceEnum } from '../enums';
import { toSourceRecord } from '../mappers';
import { withinScope } from '../security/scope';
import { Allow, OPERATION_ROLES } from '../security/rules';
import { Sensitive } from '../sensitivity';
import { CompetingValue, CompetingValues, LinksExport, PersonMerge, RecordLink } from '../types/links';
import { Person, SourceRecord } from '../types/person';
import { ReconciliationRun } from '../types/reconciliation';
import { ReviewItem, ReviewStatus } from '../types/review';
import { toReconciliationRun } from './reconciliationResolver';
import { toReviewItem } from './reviewResolver';

/** A source record by id, hidden when it belongs to a person outside the caller's territory. */
export async function sourceRecordOf(id: number | null, ctx: GraphQLContext): Promise<SourceRecord | null> {
  if (id == null) return null;
  const r = await ctx.loaders.sourceRecordById.load(id);
  const [visible] = r ? await withinScope(ctx, [r], (x) => x.personId) : [];
  return visible ? toSourceRecord(visible) : null;
}

export const toRecordLink = (l: EntityLinkRow): RecordLink => ({
  linkType: l.linkType,
  score: l.score,
  matchWeight: l.matchWeight,
  reasons: l.reasons,
  contributions: Array.isArray(l.contributions)
    ? l.contributions.map((c: any) => ({ field: String(c.field), level: String(c.level), weight: Number(c.weight) }))
    : [],
  modelVersion: l.modelVersion,
  reconciliationRunId: l.reconciliationRunId === null ? null : String(l.reconciliationRunId),
  linkedAt: l.updatedAt,
  recordId: l.recordId,
  matchedRecordId: l.matchedRecordId,
  personId: l.personId,
  runId: l.reconciliationRunId,
});

const toPersonMerge = (m: MergeRow): PersonMerge => ({
  id: String(m.id),
  mergedPersonId: m.mergedPublicId,
  kind: m.kind,
  actor: m.actor,
  reason: m.reason,
  movedRecords: m.movedEntityIds.length,
  reconciliationRunId: m.reconciliationRunId === null ? null : String(m.reconciliationRunId),
  mergedAt: m.createdAt,
  undoneAt: m.undoneAt,
  undoneBy: m.undoneBy,
  undoReason: m.undoReason,
});

export const toLinksExport = (r: LinksExportRow): LinksExport => ({
  id: String(r.id),
  state: r.state,
  source: r.source ? toSourceEnum(r.source) : null,
  fileName: r.fileName,
  rows: r.rows,
  requestedBy: r.requestedBy,
  failureReason: r.failureReason,
  createdAt: r.createdAt,
  finishedAt: r.finishedAt,
});

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
  @FieldResolver(() => [RecordLink], { description: 'Every linked source record with how it joined this person (link type, score, reasons, per-field evidence).' })
  @Sensitive('public')
  async links(@Root() p: Person, @Ctx() ctx: GraphQLContext): Promise<RecordLink[]> {
    return (await ctx.loaders.linksByPerson.load(p.internalId)).map(toRecordLink);
  }

  @FieldResolver(() => [ID], { description: 'Public ids of persons merged into this one (they resolve to it).' })
  @Sensitive('public')
  async mergedFrom(@Root() p: Person, @Ctx() ctx: GraphQLContext): Promise<string[]> {
    return (await ctx.loaders.mergedIdsByPerson.load(p.internalId)).map((m) => m.publicId);
  }

  @FieldResolver(() => [PersonMerge], { description: 'Merges into this person, newest first (undone ones included); undo with unmerge(mergeId).' })
  @Sensitive('public')
  async merges(@Root() p: Person, @Ctx() ctx: GraphQLContext): Promise<PersonMerge[]> {
    return (await ctx.loaders.mergesBySurvivor.load(p.internalId)).map(toPersonMerge);
  }

  @FieldResolver(() => [CompetingValues], { description: 'For each golden attribute, the value every linked record holds and which one won (survivorship).' })
  @Sensitive('personal')
  async competingValues(@Root() p: Person, @Ctx() ctx: GraphQLContext): Promise<CompetingValues[]> {
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
    @Ctx() ctx: GraphQLContext,
    @Arg('status', () => [ReviewStatus], { nullable: true, description: 'Default: OPEN and DEFERRED.' }) status?: Status[],
  ): Promise<ReviewItem[]> {
    const wanted = new Set<Status>(status?.length ? status : ['open', 'deferred']);
    return (await ctx.loaders.reviewItemsByPerson.load(p.internalId)).filter((i) => wanted.has(i.status)).map(toReviewItem);
  }
}

@Resolver(() => RecordLink)
export class RecordLinkResolver {
  @FieldResolver(() => SourceRecord, { nullable: true, description: 'The linked record (current version).' })
  @Sensitive('public')
  record(@Root() l: RecordLink, @Ctx() ctx: GraphQLContext) {
    return sourceRecordOf(l.recordId, ctx);
  }

  @FieldResolver(() => SourceRecord, { nullable: true, description: 'The already-linked record it matched (null for a new person or a steward placement).' })
  @Sensitive('public')
  matchedRecord(@Root() l: RecordLink, @Ctx() ctx: GraphQLContext) {
    return sourceRecordOf(l.matchedRecordId, ctx);
  }

  @FieldResolver(() => ReconciliationRun, { nullable: true })
  @Sensitive('public')
  async run(@Root() l: RecordLink, @Ctx() ctx: GraphQLContext) {
    if (l.runId === null) return null;
    const r = await ctx.loaders.reconciliationRunById.load(l.runId);
    return r && toReconciliationRun(r);
  }
}

@Resolver(() => CompetingValue)
export class CompetingValueResolver {
  @FieldResolver(() => SourceRecord, { nullable: true, description: 'The record holding this value.' })
  @Sensitive('public')
  record(@Root() v: CompetingValue, @Ctx() ctx: GraphQLContext) {
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
  async exportLinks(@Ctx() ctx: GraphQLContext, @Arg('source', () => Source, { nullable: true, description: 'Only this source; every source when omitted.' }) source?: string) {
    const row = await ctx.services.linksExport.request(source ? LinksExportService.parseSource(fromSourceEnum(source)) : null, ctx.principal.actor);
    return toLinksExport(row);
  }

  @Allow(...OPERATION_ROLES)
  @Query(() => LinksExport, { nullable: true })
  async linksExport(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    const n = Number(id);
    if (!Number.isSafeInteger(n) || n <= 0) throw new AppError('BAD_USER_INPUT', 'Not a links export id.', { field: 'id' });
    const row = await ctx.services.linksExport.get(n);
    return row && toLinksExport(row);
  }
}

