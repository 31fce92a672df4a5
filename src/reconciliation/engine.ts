import {
  BLOCKING_RULES,
  DEFAULT_BLOCKING_RULES,
  DEFAULT_DECISION_CONFIG,
  blockingRulesByName,
  type BlockingKey,
  type BlockingRule,
  type DecisionConfig,
  type PreparedRecord,
} from '../domain/identity';
import type { Config } from '../platform/config';
import type { LoadedModel } from './modelService';
import type { PrepareContext } from './prepareEntity';

export type ReconcileConfig = Pick<
  Config,
  | 'RECONCILE_LINK_PROBABILITY'
  | 'RECONCILE_REVIEW_PROBABILITY'
  | 'RECONCILE_BATCH_SIZE'
  | 'RECONCILE_MAX_BLOCK_SIZE'
  | 'RECONCILE_BLOCKING_RULES'
  | 'RECONCILE_MAX_AUTO_MERGE_RATE'
  | 'RECONCILE_BREAKER_MIN_MERGES'
  | 'RECONCILE_AUDIT_SAMPLE'
  | 'RECONCILE_AUDIT_RATE'
  | 'RECONCILE_TRAINING_SAMPLE'
  | 'SURVIVORSHIP_NAME'
  | 'SURVIVORSHIP_BIRTH_DATE'
  | 'SURVIVORSHIP_SEX'
  | 'SURVIVORSHIP_MUNICIPALITY'
>;

export interface RunSettings {
  linkProbability: number;
  reviewProbability: number;
  rules: string[];
  /** Highest person id when the run started: merges between persons up to it are merges of existing persons. */
  personsBefore: number;
  /**
   * Each batch derived its facts, golden records and identifiers in its own transaction (runs
   * started before this existed derive at their end).
   */
  derivedInBatches?: boolean;
}

/** Wall-clock milliseconds per engine phase of one run (diagnostics; see docs/reconciliation.md). */
export type RunTimings = Record<string, number>;

/** A record prepared for matching, valid while its record version (recordId) is unchanged. */
export interface Prepared {
  recordId: number;
  prepared: PreparedRecord;
  keys: BlockingKey[];
}

/** What one `process` call keeps between batches (in memory only: the database holds the truth). */
export interface RunState {
  model: LoadedModel;
  ctx: PrepareContext;
  /** The previous batch's prepared records by entity id, valid while their record version (recordId) is unchanged. */
  cache: Map<number, Prepared>;
  timings: RunTimings;
}

/** The blocking rules and decision thresholds a service instance works with (from the configuration). */
export interface EngineRules {
  rules: readonly BlockingRule[];
  ruleNames: Map<number, string>;
  decision: DecisionConfig;
}

export function engineRules(config: ReconcileConfig): EngineRules {
  return {
    rules: config.RECONCILE_BLOCKING_RULES ? blockingRulesByName(config.RECONCILE_BLOCKING_RULES) : DEFAULT_BLOCKING_RULES,
    ruleNames: new Map(Object.values(BLOCKING_RULES).map((r) => [r.id, r.name])),
    decision: { ...DEFAULT_DECISION_CONFIG, linkProbability: config.RECONCILE_LINK_PROBABILITY, reviewProbability: config.RECONCILE_REVIEW_PROBABILITY },
  };
}

export function add(t: RunTimings, phase: string, ms: number): void {
  t[phase] = (t[phase] ?? 0) + ms;
}

export async function time<T>(t: RunTimings, phase: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    add(t, phase, performance.now() - started);
  }
}

export type { BlockingKey, PreparedRecord };
