/** One audit event as services and the GraphQL layer describe it (`occurred_at` is set by the database). */
export interface AuditEvent {
  actor: string;
  actorRole: string | null;
  /** read | mutation | dossier | client.create | client.revoke | ... */
  action: string;
  subjectType: string;
  subjectId: string | null;
  personId: number | null;
  /** For reads: `Type.field` of the value disclosed, e.g. `Identifier.number`. */
  field: string | null;
  requestId: string | null;
  reason?: string | null;
  before?: unknown;
  after?: unknown;
}
