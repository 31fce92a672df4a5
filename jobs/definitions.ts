import { z } from 'zod';
import { SOURCE_NAMES } from '../src/kernel';
import type { JobName, JobPayloads } from '../src/platform/queue';

/**
 * The typed job registry: each job is defined once (queue, zod payload, retry policy). Payloads are
 * parsed when enqueued and again when executed, so a malformed or tampered job never reaches a
 * service. Ids only (see src/platform/queue.ts).
 */
export const QUEUES = ['imports', 'reconciliation', 'logros', 'exports', 'cruce', 'maintenance'] as const;
export type QueueName = (typeof QUEUES)[number];

export interface JobDefinition<N extends JobName> {
  queue: QueueName;
  payload: z.ZodType<JobPayloads[N]>;
  /** Attempts for transient failures (exponential backoff with jitter); bad data fails at once. */
  attempts: number;
  backoffMs: number;
  /** Deterministic job id, so the same work enqueued twice (API + sweeper) runs once at a time. */
  jobId?: (payload: JobPayloads[N]) => string;
}

const id = z.number().int().positive();
const trigger = z.object({ trigger: z.enum(['schedule', 'manual']) }).strict();
const scan = z.object({ trigger: z.enum(['schedule', 'manual']), source: z.enum(SOURCE_NAMES).optional() }).strict();

export const JOB_DEFINITIONS: { [N in JobName]: JobDefinition<N> } = {
  'import.run': {
    queue: 'imports',
    payload: z.object({ runId: id }).strict(),
    attempts: 8,
    backoffMs: 2_000,
    jobId: (p) => `import-${p.runId}`,
  },
  'reconcile.run': {
    queue: 'reconciliation',
    payload: z.object({ runId: id }).strict(),
    attempts: 8,
    backoffMs: 2_000,
    jobId: (p) => `reconcile-${p.runId}`,
  },
  'links.export': {
    queue: 'exports',
    payload: z.object({ exportId: id }).strict(),
    attempts: 5,
    backoffMs: 2_000,
    jobId: (p) => `export-${p.exportId}`,
  },
  'cruce.run': {
    queue: 'cruce',
    payload: z.object({ runId: id }).strict(),
    attempts: 5,
    backoffMs: 2_000,
    jobId: (p) => `cruce-${p.runId}`,
  },
  'logros.run': {
    queue: 'logros',
    payload: z.object({ runId: id }).strict(),
    attempts: 5,
    backoffMs: 2_000,
    jobId: (p) => `logros-${p.runId}`,
  },
  'logros.export': {
    queue: 'exports',
    payload: z.object({ exportId: id }).strict(),
    attempts: 5,
    backoffMs: 2_000,
    jobId: (p) => `logros-export-${p.exportId}`,
  },
  'inbox.scan': { queue: 'maintenance', payload: scan, attempts: 3, backoffMs: 5_000 },
  'runs.sweep': { queue: 'maintenance', payload: trigger, attempts: 3, backoffMs: 5_000 },
};

export const JOB_NAMES = Object.keys(JOB_DEFINITIONS) as JobName[];

/** Exponential backoff with full jitter: spreads retries of many runs after a shared outage. */
export function backoffDelay(baseMs: number, attemptsMade: number, random = Math.random): number {
  const cap = baseMs * 2 ** Math.max(0, attemptsMade - 1);
  return Math.round(cap / 2 + random() * (cap / 2));
}

/** Processors: what each job does, given the services (wired in jobs/processors.ts). */
export interface JobContext {
  jobId: string;
  attempt: number;
  /** Aborted on graceful shutdown: stop at the next safe point (chunk boundary) and throw JobReleasedError. */
  signal: AbortSignal;
}
export type Processor<N extends JobName> = (payload: JobPayloads[N], ctx: JobContext) => Promise<void>;
export type Processors = { [N in JobName]: Processor<N> };

export { JobReleasedError } from '../src/platform/queue';

/**
 * The job cannot make progress now for a reason that is nobody's failure (another worker holds the
 * run, an earlier run of the same source must finish first): it is put back for `delayMs` without
 * spending one of its attempts.
 */
export class JobDeferredError extends Error {
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'JobDeferredError';
  }
}
