import type postgres from 'postgres';

/**
 * The runtime role's privileges (docs/security.md, "Database roles", shows this same list): DML on
 * the registry tables, only INSERT and SELECT on the audit log, SELECT only on the chain's head (verify reads it) and the bulk path's notes, tables
 * of its own in juntos_staging, and the owner's functions of the bulk path. Default privileges give
 * it the same on every table and sequence later migrations add, so features need not know about
 * roles. Idempotent: run after every migration, by the owner.
 */
export function runtimeGrants(role: string, owner: string): string[] {
  const r = quoteIdent(role);
  const o = quoteIdent(owner);
  return [
    `GRANT USAGE ON SCHEMA public TO ${r}`,
    `GRANT USAGE, CREATE ON SCHEMA juntos_staging TO ${r}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO ${r}`,
    `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${r}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${o} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO ${r}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${o} IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${r}`,
    // The audit log: append and read only. The chain's head and the bulk path's notes: the owner's functions only.
    `REVOKE ALL ON audit_events, audit_chain_head, juntos_bulk_dropped FROM ${r}`,
    `GRANT SELECT, INSERT ON audit_events TO ${r}`,
    `GRANT SELECT ON audit_chain_head, juntos_bulk_dropped TO ${r}`,
    `GRANT EXECUTE ON FUNCTION juntos_bulk_drop_secondary(regclass[]), juntos_bulk_drop_keys(regclass[]), juntos_bulk_restore_secondary(), juntos_analyze(regclass[]) TO ${r}`,
    // Startup checks for pending migrations without creating anything.
    `GRANT USAGE ON SCHEMA drizzle TO ${r}`,
    `GRANT SELECT ON drizzle.__drizzle_migrations TO ${r}`,
  ];
}

/** pg_advisory_xact_lock key serializing the grant step ("jgrant" in ASCII). */
const GRANT_LOCK_KEY = 0x6a6772616e74;

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Applies the runtime grants on the owner's connection (in one transaction). No-op when both are the same role. */
export async function grantRuntimeRole(owner: postgres.Sql, runtimeRole: string): Promise<void> {
  const [{ me }] = await owner<{ me: string }[]>`select current_user as me`;
  if (me === runtimeRole) return;
  await owner.begin(async (tx) => {
    // Processes starting together would otherwise GRANT at once ("tuple concurrently updated").
    await tx`select pg_advisory_xact_lock(${GRANT_LOCK_KEY})`;
    for (const stmt of runtimeGrants(runtimeRole, me)) await tx.unsafe(stmt);
  });
}

/** Pending migrations cannot be applied by this role: one line saying what to run. */
export class MigrationsPendingError extends Error {
  constructor(
    readonly pending: number,
    readonly role: string,
  ) {
    super(
      `${pending} database migration(s) pending and role "${role}" cannot apply them: run \`juntos-hub migrate\` with DATABASE_OWNER_URL set to the owner role's connection (docs/security.md, "Database roles").`,
    );
    this.name = 'MigrationsPendingError';
  }
}
