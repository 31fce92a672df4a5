import { bearerToken, generateToken, hashToken, isWellFormedToken, sameDigest } from './tokens';
import type { Principal, TerritoryScope } from '../kernel';
import { isRole, ROLES, type Role, AppError } from '../kernel';
import type { ClientRepository, ClientRow } from './clientRepository';
import { clientActor, type AuditService } from './auditService';
import type { ReferenceService } from '../registry';
import { PrincipalCache } from './principalCache';

export interface ClientServiceOptions {
  /** How long a verified token is trusted before the database is asked again; 0 asks on every request. */
  tokenCacheMs?: number;
  /** Milliseconds since the epoch (injected for tests). */
  now?: () => number;
}

/** After a failed subscription to client changes, how long the cache stays off before trying again. */
const RESUBSCRIBE_AFTER_MS = 30_000;

export interface CreateClientInput {
  name: string;
  role: string;
  /** DANE codes: 2 digits for a department, 5 for a municipality. Empty = the whole country. */
  scope?: readonly string[];
  /** Who asks, for the audit log (e.g. `cli:maria` or `client:<id>`). */
  actor: string;
  actorRole?: string | null;
  requestId?: string | null;
}

const NAME_RE = /^[\p{L}\p{N} ._@()-]{1,80}$/u;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const scopeOf = (c: Pick<ClientRow, 'scopeDepartments' | 'scopeMunicipalities'>): TerritoryScope | null =>
  c.scopeDepartments == null && c.scopeMunicipalities == null ? null : { departments: c.scopeDepartments ?? [], municipalities: c.scopeMunicipalities ?? [] };

/** API clients: creation (the token is returned once), listing, revocation and per-request authentication. */
export class ClientService {
  private readonly tokens: PrincipalCache;
  private readonly now: () => number;
  /** True while subscribed to client changes: only then is a cached token trusted. */
  private watching = false;
  private nextSubscribeAt = 0;
  private subscription: Promise<{ unlisten(): Promise<void> } | null> | null = null;

  constructor(
    private readonly repo: ClientRepository,
    private readonly reference: ReferenceService,
    private readonly audit: AuditService,
    opts: ClientServiceOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.tokens = new PrincipalCache({ ttlMs: opts.tokenCacheMs ?? 0, maxEntries: 10_000, now: this.now });
  }

  async create(input: CreateClientInput): Promise<{ client: ClientRow; token: string }> {
    const name = input.name.trim();
    if (!NAME_RE.test(name)) throw new AppError('BAD_USER_INPUT', 'A client name has 1–80 letters, digits, spaces or . _ @ ( ) -.', { field: 'name' });
    if (!isRole(input.role)) throw new AppError('BAD_USER_INPUT', `role must be one of ${ROLES.join(', ')}.`, { field: 'role' });
    const scope = await this.parseScope(input.scope ?? []);
    if (await this.repo.findActiveByName(name)) throw new AppError('CONFLICT', 'A live client already has this name.', { field: 'name' });
    const { token, hash, visiblePrefix } = generateToken();
    let client: ClientRow;
    try {
      client = await this.repo.insert({
        name,
        role: input.role,
        scopeDepartments: scope ? [...scope.departments] : null,
        scopeMunicipalities: scope ? [...scope.municipalities] : null,
        tokenPrefix: visiblePrefix,
        tokenHash: hash,
        createdBy: input.actor,
      });
    } catch (e) {
      // Two creations with one name at once: the partial unique index decides.
      if ((e as { code?: string }).code === '23505' || (e as { cause?: { code?: string } }).cause?.code === '23505') {
        throw new AppError('CONFLICT', 'A live client already has this name.', { field: 'name' });
      }
      throw e;
    }
    await this.audit.record([
      {
        actor: input.actor,
        actorRole: input.actorRole ?? null,
        action: 'client.create',
        subjectType: 'api_client',
        subjectId: client.publicId,
        personId: null,
        field: null,
        requestId: input.requestId ?? null,
        before: null,
        after: describe(client),
      },
    ]);
    return { client, token };
  }

  list(opts: { includeRevoked?: boolean } = {}): Promise<ClientRow[]> {
    return this.repo.list(opts);
  }

  /** Finds a client by public id, or a live one by name. */
  async find(idOrName: string): Promise<ClientRow | null> {
    return UUID_RE.test(idOrName) ? this.repo.findByPublicId(idOrName.toLowerCase()) : this.repo.findActiveByName(idOrName);
  }

  /** Revokes a client: its token stops working on the next request. */
  async revoke(idOrName: string, actor: { actor: string; actorRole?: string | null; requestId?: string | null }): Promise<ClientRow> {
    const before = await this.find(idOrName);
    if (!before) throw new AppError('NOT_FOUND', 'No such API client.', { field: 'client' });
    if (before.revokedAt) throw new AppError('CONFLICT', 'The client is already revoked.', { field: 'client' });
    const after = await this.repo.revoke(before.id, actor.actor);
    // This process stops trusting the token now; the others when PostgreSQL notifies them.
    this.tokens.evictClient(before.id);
    if (!after) throw new AppError('CONFLICT', 'The client is already revoked.', { field: 'client' });
    await this.audit.record([
      {
        actor: actor.actor,
        actorRole: actor.actorRole ?? null,
        action: 'client.revoke',
        subjectType: 'api_client',
        subjectId: after.publicId,
        personId: null,
        field: null,
        requestId: actor.requestId ?? null,
        before: describe(before),
        after: describe(after),
      },
    ]);
    return after;
  }

  /**
   * The client an `Authorization: Bearer …` header belongs to, or null (missing, malformed, unknown
   * or revoked token: callers answer all of these the same way).
   */
  /**
   * The client of a bearer token, or null. With `lookup: false` (an address throttled for failed
   * authentications) only tokens already verified in this process are answered: no database query.
   */
  async authenticate(authorization: string | undefined, opts: { lookup?: boolean } = {}): Promise<Principal | null> {
    const token = bearerToken(authorization);
    if (!token || !isWellFormedToken(token)) return null;
    const hash = hashToken(token);
    if (this.watching) {
      const cached = this.tokens.get(hash);
      if (cached) return cached;
    } else this.subscribe();
    if (opts.lookup === false) return null;
    const generation = this.tokens.generation;
    const row = await this.repo.authenticate(hash);
    if (!row || !sameDigest(row.tokenHash, hash)) return null;
    const principal: Principal = {
      clientId: row.id,
      publicId: row.publicId,
      name: row.name,
      role: row.role as Role,
      scope: scopeOf(row),
      actor: clientActor(row.publicId),
    };
    if (this.watching) this.tokens.set(hash, principal, generation);
    return principal;
  }

  /**
   * Subscribes (once) to client changes, so cached tokens of a revoked or changed client are
   * evicted when its change commits anywhere. Until the subscription is up — and for a while after
   * it failed — every request asks the database.
   */
  private subscribe(): void {
    if (!this.tokens.enabled || this.subscription || this.now() < this.nextSubscribeAt) return;
    this.subscription = this.repo
      .watchChanges(
        (clientId) => (clientId === '*' ? this.tokens.clear() : this.tokens.evictClient(clientId)),
        () => {
          // (Re)subscribed: whatever changed while the channel was down is unknown.
          this.tokens.clear();
          this.watching = true;
        },
      )
      .catch(() => {
        this.watching = false;
        this.subscription = null;
        this.nextSubscribeAt = this.now() + RESUBSCRIBE_AFTER_MS;
        return null;
      });
  }

  /** Stops listening for client changes (the cache is off from then on). */
  async close(): Promise<void> {
    const sub = await this.subscription;
    this.watching = false;
    this.nextSubscribeAt = Number.POSITIVE_INFINITY;
    this.tokens.clear();
    await sub?.unlisten().catch(() => {});
  }

  /** "05" → department, "05001" → municipality; every code must exist in DIVIPOLA. */
  async parseScope(codes: readonly string[]): Promise<TerritoryScope | null> {
    if (!codes.length) return null;
    const departments = new Set<string>();
    const municipalities = new Set<string>();
    const known = await this.reference.municipalityCodes();
    const knownDepartments = new Set([...known].map((c) => c.slice(0, 2)));
    for (const raw of codes) {
      const code = raw.trim();
      if (/^\d{1,2}$/.test(code) && knownDepartments.has(code.padStart(2, '0'))) departments.add(code.padStart(2, '0'));
      else if (/^\d{4,5}$/.test(code) && known.has(code.padStart(5, '0'))) municipalities.add(code.padStart(5, '0'));
      else
        throw new AppError(
          'BAD_USER_INPUT',
          `Scope entries are DANE codes of a department (2 digits) or municipality (5 digits); "${code.slice(0, 8)}" is neither.`,
          { field: 'scope' },
        );
    }
    return { departments: [...departments].sort(), municipalities: [...municipalities].sort() };
  }
}

/** What the audit log keeps of a client (never the token or its digest). */
function describe(c: ClientRow) {
  return {
    name: c.name,
    role: c.role,
    scope: scopeOf(c),
    tokenPrefix: c.tokenPrefix,
    revokedAt: c.revokedAt ? c.revokedAt.toISOString() : null,
  };
}
