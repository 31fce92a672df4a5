import { sql } from 'drizzle-orm';
import { bigint, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ROLES } from '../src/kernel';

export const clientRoleEnum = pgEnum('client_role', ROLES);

/**
 * API clients (one per agency system or person). The bearer token is shown once at creation and
 * stored only as its SHA-256 (a 256-bit random secret needs no slow hash: it cannot be guessed, and
 * the digest is what the unique index looks up). Revocation is immediate: every request reads this
 * table. Rows are never deleted, so audit events keep pointing at who the actor was.
 */
export const apiClients = pgTable(
  'api_clients',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    publicId: uuid('public_id')
      .notNull()
      .default(sql`juntos_uuid_v7()`),
    name: text('name').notNull(),
    role: clientRoleEnum('role').notNull(),
    /** Territorial scope: both null = the whole country; otherwise only these DANE codes. */
    scopeDepartments: text('scope_departments').array(),
    scopeMunicipalities: text('scope_municipalities').array(),
    /** The token's first characters, so a leaked token can be told apart without storing it. */
    tokenPrefix: text('token_prefix').notNull(),
    /** Lowercase hex SHA-256 of the whole token. */
    tokenHash: text('token_hash').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Updated at most once a minute per client (not a write per request). */
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: text('revoked_by'),
  },
  (t) => [
    uniqueIndex('api_clients_public_id_uq').on(t.publicId),
    uniqueIndex('api_clients_token_hash_uq').on(t.tokenHash),
    // A name identifies one live client; revoked ones keep theirs for the audit trail.
    uniqueIndex('api_clients_active_name_uq')
      .on(sql`lower(${t.name})`)
      .where(sql`${t.revokedAt} is null`),
    index('api_clients_created_idx').on(t.createdAt),
  ],
);
