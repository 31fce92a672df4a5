import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../platform/db';

/**
 * The audit chain (migration 0015): every audit_events row carries chain_hash = SHA-256 of the
 * previous row's chain_hash and its own canonical content, in chain_position order, starting from
 * 32 zero bytes. Verification recomputes every hash here, not with the database's function: an
 * owner who rewrote rows could also have redefined that function.
 */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** A stored row as the verifier reads it: numbers and jsonb as PostgreSQL prints them, the time in UTC with microseconds. */
export interface ChainRow {
  id: string;
  position: string | null;
  occurredAt: string;
  actor: string;
  actorRole: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  personId: string | null;
  field: string | null;
  requestId: string | null;
  reason: string | null;
  before: string | null;
  after: string | null;
  hash: Buffer | null;
}

// PostgreSQL's jsonb output escapes strings as JSON.stringify does (", \, \b \f \n \r \t, other
// C0 controls as \u00xx lowercase; nothing else), and separates array elements with ", ".
const str = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));
const raw = (v: string | null) => (v === null ? 'null' : v);

/** The same text as SQL `juntos_audit_canonical(row)`. */
export function canonicalAuditRow(r: ChainRow): string {
  return `[${[
    raw(r.position),
    r.id,
    str(r.occurredAt),
    str(r.actor),
    str(r.actorRole),
    str(r.action),
    str(r.subjectType),
    str(r.subjectId),
    raw(r.personId),
    str(r.field),
    str(r.requestId),
    str(r.reason),
    raw(r.before),
    raw(r.after),
  ].join(', ')}]`;
}

export function chainHash(prev: Buffer, r: ChainRow): Buffer {
  return createHash('sha256').update(prev).update(canonicalAuditRow(r), 'utf8').digest();
}

export type ChainBreakReason =
  /** The row's content or hash is not what was chained: it was changed after it was written. */
  | 'ALTERED'
  /** Positions are missing before this row: rows were deleted. */
  | 'MISSING'
  /** The chain ends before its recorded head: the last rows were deleted. */
  | 'TRUNCATED'
  /** The head of the chain does not match its last row. */
  | 'HEAD_MISMATCH'
  /** A row that is not in the chain (inserted with the chain trigger disabled). */
  | 'UNCHAINED'
  /** The hash recorded earlier outside the database (--anchor) is not the one at that position now. */
  | 'ANCHOR_MISMATCH';

/** Where the chain breaks: ids, positions and times only (never a row's content). */
export interface ChainBreak {
  reason: ChainBreakReason;
  /** The chain position where the break was found (for MISSING/TRUNCATED: the first missing one). */
  position: number | null;
  /** The audit event at the break (MISSING: the first row after the gap; TRUNCATED: the last intact row), if any. */
  eventId: number | null;
  occurredAt: string | null;
}

export interface ChainReport {
  ok: boolean;
  /** Rows whose hash was recomputed. */
  checked: number;
  head: { position: number; hash: string };
  break: ChainBreak | null;
  anchor: { position: number; hash: string; ok: boolean } | null;
}

export interface ChainAnchor {
  position: number;
  hash: string;
}

/** `<position>:<hex hash>`, as `audit verify` prints the head. */
export function parseAnchor(s: string): ChainAnchor | null {
  const m = /^(\d+):([0-9a-f]{64})$/i.exec(s.trim());
  return m ? { position: Number(m[1]), hash: m[2].toLowerCase() } : null;
}

const BATCH = 5000;
const TIME = sql.raw(`to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);
const toBuf = (v: unknown): Buffer | null => (v == null ? null : Buffer.from(v as Uint8Array));

interface RawRow {
  id: string;
  position: string | null;
  occurred_at: string;
  actor: string;
  actor_role: string | null;
  action: string;
  subject_type: string;
  subject_id: string | null;
  person_id: string | null;
  field: string | null;
  request_id: string | null;
  reason: string | null;
  before: string | null;
  after: string | null;
  hash: unknown;
}

const toChainRow = (r: RawRow): ChainRow => ({
  id: r.id,
  position: r.position,
  occurredAt: r.occurred_at,
  actor: r.actor,
  actorRole: r.actor_role,
  action: r.action,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  personId: r.person_id,
  field: r.field,
  requestId: r.request_id,
  reason: r.reason,
  before: r.before,
  after: r.after,
  hash: toBuf(r.hash),
});

/** Walks the audit chain from its start and reports the first break. Read-only; safe while the hub runs. */
export class AuditChainService {
  constructor(private readonly db: Database) {}

  async verify(opts: { anchor?: ChainAnchor; batchSize?: number } = {}): Promise<ChainReport> {
    const batch = opts.batchSize ?? BATCH;
    // The head first: rows chained after it (while verifying) are not expected to be checked.
    const [headRow] = await this.db.rows<{ position: string; hash: unknown }>(sql`select position::text as position, hash from audit_chain_head where id = 1`);
    const head = headRow ? { position: Number(headRow.position), hash: toBuf(headRow.hash)! } : { position: 0, hash: GENESIS_HASH };
    const report = (checked: number, brk: ChainBreak | null, anchor: ChainReport['anchor'] = null): ChainReport => ({
      ok: !brk,
      checked,
      head: { position: head.position, hash: head.hash.toString('hex') },
      break: brk,
      anchor,
    });
    if (!headRow) return report(0, { reason: 'HEAD_MISMATCH', position: null, eventId: null, occurredAt: null });

    let prev = GENESIS_HASH;
    let expected = 1;
    let checked = 0;
    let last: ChainRow | null = null;
    let anchorHash: string | null = null;
    while (expected <= head.position) {
      const rows = (
        await this.db.rows<RawRow>(sql`
          select id::text as id, chain_position::text as position, ${TIME} as occurred_at, actor, actor_role, action, subject_type, subject_id,
                 person_id::text as person_id, field, request_id, reason, before::text as before, after::text as after, chain_hash as hash
          from audit_events where chain_position >= ${expected} and chain_position <= ${head.position}
          order by chain_position limit ${batch}`)
      ).map(toChainRow);
      if (!rows.length) break;
      for (const r of rows) {
        const at = { eventId: Number(r.id), occurredAt: r.occurredAt };
        if (Number(r.position) !== expected) return report(checked, { reason: 'MISSING', position: expected, ...at });
        const h = chainHash(prev, r);
        if (!r.hash || !h.equals(r.hash)) return report(checked, { reason: 'ALTERED', position: expected, ...at });
        if (opts.anchor?.position === expected) anchorHash = h.toString('hex');
        checked++;
        prev = h;
        last = r;
        expected++;
      }
    }
    if (expected <= head.position) {
      return report(checked, {
        reason: 'TRUNCATED',
        position: expected,
        eventId: last ? Number(last.id) : null,
        occurredAt: last?.occurredAt ?? null,
      });
    }
    if (!prev.equals(head.hash)) return report(checked, { reason: 'HEAD_MISMATCH', position: head.position, eventId: null, occurredAt: null });

    const [unchained] = await this.db.rows<{ id: string; occurred_at: string }>(
      sql`select id::text as id, ${TIME} as occurred_at from audit_events where chain_position is null or chain_position > ${head.position} and not exists (select 1 from audit_chain_head h where h.position >= audit_events.chain_position) order by id limit 1`,
    );
    if (unchained) return report(checked, { reason: 'UNCHAINED', position: null, eventId: Number(unchained.id), occurredAt: unchained.occurred_at });

    if (!opts.anchor) return report(checked, null);
    const anchor = { ...opts.anchor, ok: anchorHash === opts.anchor.hash };
    return report(checked, anchor.ok ? null : { reason: 'ANCHOR_MISMATCH', position: opts.anchor.position, eventId: null, occurredAt: null }, anchor);
  }
}
