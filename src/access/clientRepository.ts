import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { apiClients } from '../../schema';
import type { Database } from '../platform/db';
import type { Role } from '../kernel';

export type ClientRow = typeof apiClients.$inferSelect;

export interface NewClient {
  name: string;
  role: Role;
  scopeDepartments: string[] | null;
  scopeMunicipalities: string[] | null;
  tokenPrefix: string;
  tokenHash: string;
  createdBy: string;
}

/** The channel a trigger on api_clients notifies with a client's id when it changes (migrations/0009). */
const CHANGES_CHANNEL = 'juntos_api_clients';

/** How often `last_used_at` is refreshed: a write per request would churn the row for nothing. */
const LAST_USED_RESOLUTION = sql`interval '60 seconds'`;

export class ClientRepository {
  private readonly orm: Database['orm'];
  constructor(private readonly db: Database) {
    this.orm = db.orm;
  }

  async insert(c: NewClient): Promise<ClientRow> {
    const [row] = await this.orm.insert(apiClients).values(c).returning();
    return row;
  }

  /**
   * The live client holding a token digest, refreshing `last_used_at` when it is older than a
   * minute, in one round trip. ClientService caches the answer briefly (src/access/principalCache.ts).
   */
  async authenticate(tokenHash: string): Promise<ClientRow | null> {
    const [r] = await this.db.rows<Record<string, unknown>>(sql`
      with c as (
        select * from ${apiClients} where token_hash = ${tokenHash} and revoked_at is null
      ), touched as (
        update ${apiClients} set last_used_at = now()
        where id = (select id from c) and (last_used_at is null or last_used_at < now() - ${LAST_USED_RESOLUTION})
        returning id
      )
      select c.id, c.public_id, c.name, c.role, c.scope_departments, c.scope_municipalities, c.token_prefix,
             c.token_hash, c.created_by, c.created_at, c.last_used_at, c.revoked_at, c.revoked_by,
             (select count(*) from touched)::int as touched
      from c`);
    if (!r) return null;
    return {
      id: Number(r.id),
      publicId: String(r.public_id),
      name: String(r.name),
      role: r.role as Role,
      scopeDepartments: (r.scope_departments as string[] | null) ?? null,
      scopeMunicipalities: (r.scope_municipalities as string[] | null) ?? null,
      tokenPrefix: String(r.token_prefix),
      tokenHash: String(r.token_hash),
      createdBy: String(r.created_by),
      createdAt: new Date(r.created_at as string),
      lastUsedAt: r.last_used_at ? new Date(r.last_used_at as string) : null,
      revokedAt: null,
      revokedBy: null,
    };
  }

  /**
   * Calls `onChange` with a client's id whenever a revocation, role, scope or token change of it
   * commits (from any process), or with '*' after a TRUNCATE; `onSubscribed` each time the
   * subscription is (re)established, when changes may have been missed.
   */
  watchChanges(onChange: (clientId: number | '*') => void, onSubscribed: () => void): Promise<{ unlisten(): Promise<void> }> {
    return this.db.listen(CHANGES_CHANNEL, (payload) => onChange(payload === '*' ? '*' : Number(payload)), onSubscribed);
  }

  list(opts: { includeRevoked?: boolean } = {}): Promise<ClientRow[]> {
    return this.orm
      .select()
      .from(apiClients)
      .where(opts.includeRevoked ? undefined : isNull(apiClients.revokedAt))
      .orderBy(asc(apiClients.id));
  }

  async findByPublicId(publicId: string): Promise<ClientRow | null> {
    return (await this.orm.select().from(apiClients).where(eq(apiClients.publicId, publicId)))[0] ?? null;
  }

  /** Live clients with this name (case-insensitive; at most one by the unique index). */
  async findActiveByName(name: string): Promise<ClientRow | null> {
    return (
      (
        await this.orm
          .select()
          .from(apiClients)
          .where(and(sql`lower(${apiClients.name}) = lower(${name})`, isNull(apiClients.revokedAt)))
      )[0] ?? null
    );
  }

  async revoke(id: number, revokedBy: string): Promise<ClientRow | null> {
    const [row] = await this.orm
      .update(apiClients)
      .set({ revokedAt: sql`now()`, revokedBy })
      .where(and(eq(apiClients.id, id), isNull(apiClients.revokedAt)))
      .returning();
    return row ?? null;
  }
}
