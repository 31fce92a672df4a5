import { auditEvents } from '../../../schema';
import type { AuditEvent } from '../../kernel';
import type { Orm } from './types';

/** An audit event as writers describe it; fields a writer has nothing for may be left out. */
export type AuditEntry = Pick<AuditEvent, 'actor' | 'action' | 'subjectType'> & Partial<Omit<AuditEvent, 'actor' | 'action' | 'subjectType'>>;

/**
 * The one door into the append-only audit log: request reads and mutations (access), steward
 * decisions (stewardship) and merges (reconciliation) all write through it, on the connection or
 * transaction of the action they record, so an action and its audit row commit together.
 */
export class AuditWriter {
  async write(orm: Orm, entries: readonly AuditEntry[]): Promise<void> {
    if (!entries.length) return;
    await orm.insert(auditEvents).values(
      entries.map((e) => ({
        actor: e.actor,
        actorRole: e.actorRole ?? null,
        action: e.action,
        subjectType: e.subjectType,
        subjectId: e.subjectId ?? null,
        personId: e.personId ?? null,
        field: e.field ?? null,
        requestId: e.requestId ?? null,
        reason: e.reason ?? null,
        before: e.before ?? null,
        after: e.after ?? null,
      })),
    );
  }
}
