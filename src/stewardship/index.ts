/**
 * Stewardship: the review queue (claim, decide, defer, unmerge, pinned decisions), the explanation
 * of how each person was formed (links, merges, competing values) and the links export. Other
 * features import only this file.
 */
import { CompetingValueResolver, LinksExportResolver, PersonExplanationResolver, RecordLinkResolver, RecordMoveResolver } from './graphql/linksResolver';
import { RecordComparisonResolver, ReviewResolver } from './graphql/reviewResolver';

export { ReviewRepository, type ReviewItemRow, type ReviewReason, type ReviewStatus, type ReviewDecisionKind } from './reviewRepository';
export { ReviewService } from './reviewService';
export type { StewardActor, ClaimOutcome, ReleaseOutcome, DecideOutcome, UnmergeOutcome, UndoMoveOutcome } from './outcomes';
export { LinksExportRepository } from './linksExportRepository';
export { LinksExportService, LINKS_CSV_HEADER } from './linksExportService';

// GraphQL
export { createStewardshipLoaders, type StewardshipLoaders } from './graphql/loaders';
export type { StewardshipContext } from './graphql/context';

/** Stewardship's resolvers, collected by the schema assembly (src/graphql/schema.ts). */
export const stewardshipResolvers = [
  ReviewResolver,
  RecordComparisonResolver,
  PersonExplanationResolver,
  RecordLinkResolver,
  RecordMoveResolver,
  CompetingValueResolver,
  LinksExportResolver,
] as const;
