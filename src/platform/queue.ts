import type { Queue } from 'bullmq';
import type { SourceName } from '../kernel';

/**
 * The port through which services hand work to background jobs. Payloads carry ids only: BullMQ
 * stores them in clear text in Redis, so never a name, document number or file content.
 *
 * Implementations live in jobs/drivers (BullMQ with REDIS_URL, in-process without); the job
 * definitions (zod payload schemas, retry options) in jobs/definitions.ts must match these types.
 */
export interface JobPayloads {
  /** Advance an import run (parse → stage → apply) from wherever PostgreSQL says it stopped. */
  'import.run': { runId: number };
  /** Advance a reconciliation run. */
  'reconcile.run': { runId: number };
  /** Produce a links export file. */
  'links.export': { exportId: number };
  /** Answer a cruce file (src/cruce): the run id only, never a row of the list. */
  'cruce.run': { runId: number };
  /** Compute the Logros Básicos of a logro run (after a reconciliation run, or a full recompute). */
  'logros.run': { runId: number };
  /** Write a logro export file (territorial report, households POR ALCANZAR). */
  'logros.export': { exportId: number };
  /** Scan the inboxes for new files (scheduled nightly, one scheduler per source; without `source`: every inbox). */
  'inbox.scan': { trigger: 'schedule' | 'manual'; source?: SourceName };
  /** Re-enqueue runs PostgreSQL says are unfinished but that no live job is advancing. */
  'runs.sweep': { trigger: 'schedule' | 'manual' };
}

export type JobName = keyof JobPayloads;

export interface EnqueueOptions {
  /** Deterministic id: a job with the same id already waiting or running is not added twice. */
  jobId?: string;
  delayMs?: number;
}

export interface JobQueue {
  readonly kind: 'bullmq' | 'inline';
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], opts?: EnqueueOptions): Promise<void>;
}

/** A periodic job: a cron pattern in a time zone, or a fixed interval. */
export interface ScheduleSpec<N extends JobName = JobName> {
  /** One scheduler per id, whatever the number of processes that declare it. */
  id: string;
  name: N;
  data: JobPayloads[N];
  pattern?: string;
  tz?: string;
  everyMs?: number;
}

export interface ScheduleInfo {
  id: string;
  name: string;
  pattern: string | null;
  tz: string | null;
  everyMs: number | null;
  next: Date | null;
}

/** The id of a job a scheduler produced (BullMQ's own form, kept by the embedded driver too). */
export const scheduledJobId = (schedulerId: string, at: number) => `repeat:${schedulerId}:${at}`;
/** The id of a scheduler's job started by hand (BullMQ refuses ':' in custom ids). */
export const manualJobId = (schedulerId: string, at: number) => `manual-${schedulerId}-${at}`;

/** Which scheduler a job id belongs to, and when it was due (or requested); null for other jobs. */
export function schedulerOfJobId(jobId: string): { schedulerId: string; at: number; manual: boolean } | null {
  const m = /^repeat:(.+):(\d+)$/.exec(jobId) ?? /^manual-(.+)-(\d+)$/.exec(jobId);
  return m ? { schedulerId: m[1], at: Number(m[2]), manual: jobId.startsWith('manual-') } : null;
}

/** A scheduler's latest job (scheduled or run by hand), as the queue keeps it. */
export interface ScheduledRun {
  jobId: string;
  manual: boolean;
  state: 'waiting' | 'active' | 'completed' | 'failed';
  /** When it was due (scheduled) or requested (by hand). */
  at: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  attempts: number;
  /** The scrubbed failure message (no personal data reaches the queue). */
  failedReason: string | null;
}

export const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/**
 * What operations code (sweeper, schedules, metrics, dashboard) needs of the queue beyond enqueue.
 * Both drivers implement it; the answers describe deliveries only — run state is in PostgreSQL.
 */
export interface QueueOperations {
  /** Ids of jobs waiting, delayed or running: work that something will still deliver. */
  liveJobIds(): Promise<Set<string>>;
  /** The deterministic id a job for this payload gets (so the sweeper can tell whether it is live). */
  jobIdOf<N extends JobName>(name: N, payload: JobPayloads[N]): string | null;
  /** Job counts per queue and state (queue depth). */
  counts(): Promise<Record<string, Record<JobState, number>>>;
  /** Creates or updates a scheduler; the same id declared by many processes stays one scheduler. */
  upsertScheduler(spec: ScheduleSpec): Promise<void>;
  listSchedulers(): Promise<ScheduleInfo[]>;
  /** Each scheduler's latest job that is due, running or finished (a future next job is not a run). */
  recentRuns(schedulerIds: readonly string[]): Promise<Map<string, ScheduledRun>>;
  /**
   * Worker processes consuming this queue now: with Redis, the BullMQ workers connected to it (from
   * Redis' client list); in embedded mode 1 when this process runs the jobs, else 0. Null when it
   * cannot be told (Redis unreachable, CLIENT LIST refused).
   */
  workerCount(queue: string): Promise<number | null>;
  /** The BullMQ queues, for the operator's dashboard (absent in embedded mode). */
  dashboardQueues?(): Queue[];
}

export type OpsJobQueue = JobQueue & QueueOperations;

/** Thrown by enqueue when the queue backend is unreachable: the caller's state in PostgreSQL stays pending. */
export class QueueUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('The job queue is unavailable; the work is recorded and will be picked up when it returns.');
    this.name = 'QueueUnavailableError';
    this.cause = cause;
  }
}

/** A job gave its work back on shutdown; it is retried by another worker (not a failure of the data). */
export class JobReleasedError extends Error {
  constructor() {
    super('released on shutdown');
    this.name = 'JobReleasedError';
  }
}
