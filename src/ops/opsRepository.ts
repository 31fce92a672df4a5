import { eq, sql } from 'drizzle-orm';
import { QUEUED_REVIEW_STATUSES, inboxFiles } from '../../schema';
import type { SourceName } from '../kernel';
import type { ImportRunSummary } from '../imports';
import type { Database } from '../platform/db';

export type InboxFileRow = typeof inboxFiles.$inferSelect;

/** Kinds of durable work whose processing is exclusive per run (one advisory-lock namespace each). */
export const RUN_KINDS = { import: 1n, reconciliation: 2n, export: 3n, cruce: 4n, logros: 5n, logrosExport: 6n } as const;
export type RunKind = keyof typeof RUN_KINDS;

/** Run kinds that carry a lease (owner, heartbeat_at, lease_expires_at). */
export const LEASED_TABLES = { import: 'import_runs', reconciliation: 'reconciliation_runs' } as const;
export type LeasedKind = keyof typeof LEASED_TABLES;
export const isLeasedKind = (k: RunKind): k is LeasedKind => k in LEASED_TABLES;

export interface RunLease {
  owner: string | null;
  heartbeatAt: Date | null;
  expiresAt: Date | null;
  /** The lease holds: a live process is advancing the run. */
  live: boolean;
}

/** "jb" in the top 16 bits: apart from the engine and migration locks (same bigint key space). */
const LOCK_BASE = 0x6a62n << 48n;
const runLockKey = (kind: RunKind, id: number) => {
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error('invalid run id');
  return String(LOCK_BASE | (RUN_KINDS[kind] << 40n) | BigInt(id));
};

export interface ReconciliationOutcome {
  runId: number;
  importRunId: number;
  state: string;
  recordsProcessed: number;
  autoLinked: number;
  newPersons: number;
  reviewItems: number;
  mergesProposed: number;
  mergesApplied: number;
  breakerTripped: boolean;
  failureReason: string | null;
  finishedAt: string | null;
}

export interface OpsStateCounts {
  importRuns: { source: SourceName; state: string; n: number }[];
  rows: { source: SourceName; loaded: number; rejected: number; added: number; changed: number; disappeared: number }[];
  lastSuccess: { source: SourceName; finishedAt: Date }[];
  reconciliationRuns: { state: string; n: number }[];
  reconciliationTotals: { processed: number; autoLinked: number; newPersons: number; reviewItems: number; mergesApplied: number };
  lastReconciliation: { processed: number; autoLinked: number; reviewItems: number; durationSeconds: number | null } | null;
  openReviewItems: number;
  lastImportDurations: { source: SourceName; seconds: number }[];
}

/** The operations door: inbox bookkeeping, per-run exclusivity, nightly summaries and the figures behind /metrics. */
export class OpsRepository {
  /** Embedded mode has one process and one connection: exclusivity is kept in memory. */
  private readonly localLocks = new Set<string>();

  constructor(private readonly db: Database) {}

  // --- inbox -----------------------------------------------------------------------------------

  async inboxFile(path: string): Promise<InboxFileRow | null> {
    const [row] = await this.db.orm.select().from(inboxFiles).where(eq(inboxFiles.path, path));
    return row ?? null;
  }

  async recordInboxFile(v: {
    path: string;
    source: SourceName;
    fileBytes: number;
    mtimeMs: number;
    sha256: string;
    importRunId: number | null;
  }): Promise<void> {
    await this.db.orm
      .insert(inboxFiles)
      .values(v)
      .onConflictDoUpdate({
        target: inboxFiles.path,
        set: { source: v.source, fileBytes: v.fileBytes, mtimeMs: v.mtimeMs, sha256: v.sha256, importRunId: v.importRunId, lastSeenAt: new Date() },
      });
  }

  // --- exclusivity -------------------------------------------------------------------------------

  /**
   * Runs `fn` while holding the run's lock, or returns `{ acquired: false }` at once when another
   * worker holds it. On PostgreSQL the lock is a transaction-level advisory lock on a connection of
   * its own, so it is released the moment its holder dies (SIGKILL closes the socket).
   */
  async withRunLock<T>(kind: RunKind, id: number, fn: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }> {
    const key = runLockKey(kind, id);
    if (this.db.kind === 'pglite') {
      if (this.localLocks.has(key)) return { acquired: false };
      this.localLocks.add(key);
      try {
        return { acquired: true, value: await fn() };
      } finally {
        this.localLocks.delete(key);
      }
    }
    let result: { acquired: true; value: T } | { acquired: false } = { acquired: false };
    await this.db.orm.transaction(async (tx) => {
      const [row] = await this.db.rows<{ ok: boolean }>(sql`select pg_try_advisory_xact_lock(${key}::bigint) as ok`, tx);
      if (!row.ok) return;
      result = { acquired: true, value: await fn() };
    });
    return result;
  }

  // --- leases ------------------------------------------------------------------------------------

  /**
   * The process advancing a run renews its lease (owner, heartbeat, expiry) while it works; a run
   * whose lease expired is advanced by nobody. Only import and reconciliation runs carry one.
   */
  async renewLease(kind: LeasedKind, id: number, owner: string, leaseMs: number): Promise<void> {
    await this.db.rows(sql`update ${sql.identifier(LEASED_TABLES[kind])}
      set owner = ${owner}, heartbeat_at = now(), lease_expires_at = now() + ${leaseMs} * interval '1 millisecond'
      where id = ${id}`);
  }

  /** The holder gives its lease back (the run is finished, released or deferred): nobody holds it now. */
  async releaseLease(kind: LeasedKind, id: number, owner: string): Promise<void> {
    await this.db.rows(sql`update ${sql.identifier(LEASED_TABLES[kind])} set lease_expires_at = null where id = ${id} and owner = ${owner}`);
  }

  /** A run's lease: who held it last, its last heartbeat, and whether it still holds. */
  async lease(kind: LeasedKind, id: number): Promise<RunLease | null> {
    const [row] = await this.db.rows<{ owner: string | null; heartbeat_at: Date | string | null; lease_expires_at: Date | string | null; live: boolean }>(
      sql`select owner, heartbeat_at, lease_expires_at, coalesce(lease_expires_at > now(), false) as live
        from ${sql.identifier(LEASED_TABLES[kind])} where id = ${id}`,
    );
    if (!row) return null;
    const at = (v: Date | string | null) => (v === null ? null : new Date(v));
    return { owner: row.owner, heartbeatAt: at(row.heartbeat_at), expiresAt: at(row.lease_expires_at), live: Boolean(row.live) };
  }

  /** Ids of runs of a kind whose lease still holds (someone is advancing them). */
  async liveLeases(kind: LeasedKind): Promise<Set<number>> {
    const rows = await this.db.rows<{ id: string }>(
      sql`select id from ${sql.identifier(LEASED_TABLES[kind])} where lease_expires_at > now() and finished_at is null`,
    );
    return new Set(rows.map((r) => Number(r.id)));
  }

  // --- nightly summary ---------------------------------------------------------------------------

  /** Finished reconciliations whose import run's summary does not show their outcome yet. */
  async reconciliationsToSummarize(importRunId?: number): Promise<ReconciliationOutcome[]> {
    const rows = await this.db.rows<Record<string, unknown>>(sql`
      select c.id, c.import_run_id, c.state::text as state, c.records_processed, c.auto_linked, c.new_persons, c.review_items,
        c.merges_proposed, c.merges_applied, c.breaker_tripped, c.failure_reason, c.finished_at
      from reconciliation_runs c join import_runs i on i.id = c.import_run_id
      where i.state = 'done' and c.state in ('done', 'failed')
        and (i.summary is null or (i.summary->'reconciliation'->>'state') is distinct from c.state::text)
        ${importRunId === undefined ? sql`` : sql`and i.id = ${importRunId}`}
      order by c.id`);
    return rows.map((r) => ({
      runId: Number(r.id),
      importRunId: Number(r.import_run_id),
      state: String(r.state),
      recordsProcessed: Number(r.records_processed),
      autoLinked: Number(r.auto_linked),
      newPersons: Number(r.new_persons),
      reviewItems: Number(r.review_items),
      mergesProposed: Number(r.merges_proposed),
      mergesApplied: Number(r.merges_applied),
      breakerTripped: Boolean(r.breaker_tripped),
      failureReason: (r.failure_reason as string | null) ?? null,
      finishedAt: r.finished_at ? new Date(r.finished_at as string).toISOString() : null,
    }));
  }

  /** Adds (or replaces) a part of a done import run's summary (and its final state); the rest is kept as the import wrote it. */
  async mergeSummary(importRunId: number, part: Pick<ImportRunSummary, 'reconciliation'>): Promise<boolean> {
    const rows = await this.db.rows(sql`
      update import_runs set summary = coalesce(summary, '{}'::jsonb) || jsonb_build_object('state', state::text) || ${JSON.stringify(part)}::jsonb,
        updated_at = now()
      where id = ${importRunId} and state = 'done' returning id`);
    return rows.length > 0;
  }

  // --- metrics ------------------------------------------------------------------------------------

  /** Everything /metrics derives from PostgreSQL, in a handful of aggregate queries. */
  async stateCounts(): Promise<OpsStateCounts> {
    const importRuns = await this.db.rows<{ source: SourceName; state: string; n: number }>(
      sql`select source::text as source, state::text as state, count(*)::int as n from import_runs group by 1, 2 order by 1, 2`,
    );
    const rows = await this.db.rows<{ source: SourceName; loaded: number; rejected: number; added: number; changed: number; disappeared: number }>(sql`
      select source::text as source, coalesce(sum(rows_loaded), 0)::float8 as loaded, coalesce(sum(rows_rejected), 0)::float8 as rejected,
        coalesce(sum(added), 0)::float8 as added, coalesce(sum(changed), 0)::float8 as changed, coalesce(sum(disappeared), 0)::float8 as disappeared
      from import_runs where state in ('applied', 'done') group by 1 order by 1`);
    const lastSuccess = await this.db.rows<{ source: SourceName; finished_at: string }>(
      sql`select source::text as source, max(finished_at) as finished_at from import_runs where state = 'done' group by 1`,
    );
    const lastImportDurations = await this.db.rows<{ source: SourceName; seconds: number }>(sql`
      select distinct on (source) source::text as source, extract(epoch from finished_at - coalesce(started_at, created_at))::float8 as seconds
      from import_runs where state = 'done' and finished_at is not null order by source, finished_at desc`);
    const reconciliationRuns = await this.db.rows<{ state: string; n: number }>(
      sql`select state::text as state, count(*)::int as n from reconciliation_runs group by 1 order by 1`,
    );
    const [totals] = await this.db.rows<{ processed: number; auto_linked: number; new_persons: number; review_items: number; merges_applied: number }>(sql`
      select coalesce(sum(records_processed), 0)::float8 as processed, coalesce(sum(auto_linked), 0)::float8 as auto_linked,
        coalesce(sum(new_persons), 0)::float8 as new_persons, coalesce(sum(review_items), 0)::float8 as review_items,
        coalesce(sum(merges_applied), 0)::float8 as merges_applied
      from reconciliation_runs where state in ('done', 'failed')`);
    const [last] = await this.db.rows<{ processed: number; auto_linked: number; review_items: number; seconds: number | null }>(sql`
      select records_processed as processed, auto_linked, review_items, extract(epoch from finished_at - started_at)::float8 as seconds
      from reconciliation_runs where state = 'done' order by finished_at desc nulls last, id desc limit 1`);
    const [open] = await this.db.rows<{ n: number }>(
      sql`select count(*)::int as n from review_items where status = any(${`{${QUEUED_REVIEW_STATUSES.join(',')}}`}::review_status[])`,
    );
    return {
      importRuns,
      rows,
      lastSuccess: lastSuccess.filter((r) => r.finished_at).map((r) => ({ source: r.source, finishedAt: new Date(r.finished_at) })),
      reconciliationRuns,
      reconciliationTotals: {
        processed: totals.processed,
        autoLinked: totals.auto_linked,
        newPersons: totals.new_persons,
        reviewItems: totals.review_items,
        mergesApplied: totals.merges_applied,
      },
      lastReconciliation: last
        ? { processed: last.processed, autoLinked: last.auto_linked, reviewItems: last.review_items, durationSeconds: last.seconds }
        : null,
      openReviewItems: open.n,
      lastImportDurations,
    };
  }
}
