import type { AuditEventRow } from '../auditRepository';
import type { ClientRow } from '../clientRepository';
import { scopeOf } from '../clientService';
import type { ApiClient, AuditEvent } from './adminTypes';

export const toApiClient = (c: ClientRow): ApiClient => ({
  id: c.publicId,
  name: c.name,
  role: c.role,
  scope: scopeOf(c) && { departments: [...scopeOf(c)!.departments], municipalities: [...scopeOf(c)!.municipalities] },
  tokenPrefix: c.tokenPrefix,
  createdBy: c.createdBy,
  createdAt: c.createdAt,
  lastUsedAt: c.lastUsedAt,
  revokedAt: c.revokedAt,
});

export const toAuditEvent = (e: AuditEventRow): AuditEvent => ({
  id: String(e.id),
  occurredAt: e.occurredAt,
  actor: e.actor,
  actorRole: e.actorRole,
  action: e.action,
  subjectType: e.subjectType,
  subjectId: e.subjectId,
  field: e.field,
  requestId: e.requestId,
  reason: e.reason,
  before: e.before,
  after: e.after,
  personId: e.personId,
});
