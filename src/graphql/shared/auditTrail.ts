import type { Principal, AuditEvent } from '../../kernel';
import type { AuditSubject } from './sensitivity';

export type AuditEntry = Omit<AuditEvent, 'actor' | 'actorRole' | 'requestId'>;

/**
 * A request's audit events, collected while fields resolve and written in one INSERT before the
 * response leaves (src/graphql/security/guardPlugin.ts). If that write fails the response is
 * replaced by an error: data that cannot be accounted for is not disclosed.
 */
export class AuditTrail {
  private events: AuditEvent[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly principal: Principal,
    private readonly requestId: string,
    private readonly sink: (events: readonly AuditEvent[]) => Promise<void>,
  ) {}

  /** A full value of `field` (e.g. `Identifier.number`) was disclosed; once per subject and field per request. */
  read(subject: AuditSubject, field: string): void {
    const key = `${subject.subjectType}\u0000${subject.subjectId ?? ''}\u0000${subject.personId ?? ''}\u0000${field}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.add({ action: 'read', field, ...subject });
  }

  /** Any other event of this request (mutations, dossier requests). */
  add(entry: AuditEntry): void {
    this.events.push({ ...entry, actor: this.principal.actor, actorRole: this.principal.role, requestId: this.requestId });
  }

  /**
   * Writes one event now, in its own statement, and resolves once it is committed: for a mutation's
   * request row, which must exist before the action runs (a failure here stops the action).
   */
  async writeAhead(entry: AuditEntry): Promise<void> {
    await this.sink([{ ...entry, actor: this.principal.actor, actorRole: this.principal.role, requestId: this.requestId }]);
  }

  get pending(): number {
    return this.events.length;
  }

  async flush(): Promise<void> {
    if (!this.events.length) return;
    const batch = this.events;
    this.events = [];
    await this.sink(batch);
  }
}
