import { importStateEnum } from './enums';
import { exportStateEnum, reconciliationStateEnum, reviewReasonEnum, reviewStatusEnum } from './reconciliation';
import { cruceStateEnum } from './cruce';
import { logroRunStateEnum, logroStateEnum } from './logros';

/**
 * The value lists the code works with, derived from the one pgEnum tuple that defines each
 * database enum: a state or reason added to the table's enum reaches the services, the sweeper,
 * the metrics and the GraphQL enums without a second list to keep in step.
 */

/** Every run kind ends in one of these; any other state is work some process still has to do. */
export const FINAL_RUN_STATES = ['done', 'failed'] as const;
type Final = (typeof FINAL_RUN_STATES)[number];

const unfinished = <S extends string>(states: readonly S[]) =>
  states.filter((s): s is Exclude<S, Final> => !(FINAL_RUN_STATES as readonly string[]).includes(s));

export const IMPORT_STATES = importStateEnum.enumValues;
export type ImportState = (typeof IMPORT_STATES)[number];
export const UNFINISHED_IMPORT_STATES = unfinished(IMPORT_STATES);

export const RECONCILIATION_STATES = reconciliationStateEnum.enumValues;
export type ReconciliationState = (typeof RECONCILIATION_STATES)[number];
export const UNFINISHED_RECONCILIATION_STATES = unfinished(RECONCILIATION_STATES);

export const EXPORT_STATES = exportStateEnum.enumValues;
export type ExportState = (typeof EXPORT_STATES)[number];
export const UNFINISHED_EXPORT_STATES = unfinished(EXPORT_STATES);

export const CRUCE_STATES = cruceStateEnum.enumValues;
export type CruceState = (typeof CRUCE_STATES)[number];
export const UNFINISHED_CRUCE_STATES = unfinished(CRUCE_STATES);

export const REVIEW_REASONS = reviewReasonEnum.enumValues;
export type ReviewReason = (typeof REVIEW_REASONS)[number];

export const REVIEW_STATUSES = reviewStatusEnum.enumValues;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
/** The queue: items still waiting for a steward. */
export const QUEUED_REVIEW_STATUSES = ['open', 'deferred'] as const satisfies readonly ReviewStatus[];

/** A GraphQL enum object (`{ DONE: 'done' }`) over a tuple of database values, in the tuple's order. */
export function graphqlEnumOf<S extends string>(values: readonly S[]): Record<Uppercase<S>, S> {
  return Object.fromEntries(values.map((v) => [v.toUpperCase(), v])) as never;
}

export const LOGRO_STATES = logroStateEnum.enumValues;
export type LogroState = (typeof LOGRO_STATES)[number];
export const LOGRO_RUN_STATES = logroRunStateEnum.enumValues;
export type LogroRunState = (typeof LOGRO_RUN_STATES)[number];
export const UNFINISHED_LOGRO_RUN_STATES = unfinished(LOGRO_RUN_STATES);
