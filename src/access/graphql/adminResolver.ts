import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AppError, decodeCursor } from '../../kernel';
import type { ClientRow } from '../clientRepository';
import type { AccessContext } from './context';
import { toApiClient, toAuditEvent } from './mappers';
import { toPerson, toSourceRecord, Person } from '../../registry';
import { DateTimeScalar, Allow, Sensitive, nodePage } from '../../graphql/shared';
import {
  ApiClient,
  AuditEvent,
  AuditEventConnection,
  AuditEventFilter,
  ClientRole,
  CreateApiClientResult,
  IdentifierRead,
  IdentifierReadConnection,
  PersonDossier,
} from './adminTypes';
import { toImportRun } from '../../imports';

async function clientByIdOrName(ctx: AccessContext, idOrName: string): Promise<ClientRow> {
  const c = await ctx.services.clients.find(idOrName);
  if (!c) throw new AppError('NOT_FOUND', 'No such API client.', { field: 'client' });
  return c;
}

/** API clients and the audit log: administrators only. */
@Resolver()
export class AdminResolver {
  @Query(() => [ApiClient], { description: 'API clients, oldest first.' })
  @Allow('admin')
  async apiClients(@Ctx() ctx: AccessContext, @Arg('includeRevoked', () => Boolean, { defaultValue: false }) includeRevoked: boolean): Promise<ApiClient[]> {
    return (await ctx.services.clients.list({ includeRevoked })).map(toApiClient);
  }

  @Mutation(() => CreateApiClientResult, { description: 'Creates an API client and returns its token, once.' })
  @Allow('admin')
  async createApiClient(
    @Ctx() ctx: AccessContext,
    @Arg('name', () => String) name: string,
    @Arg('role', () => ClientRole) role: string,
    @Arg('scope', () => [String], { nullable: true, description: 'DANE codes of departments (2 digits) or municipalities (5 digits).' })
    scope?: string[],
  ): Promise<CreateApiClientResult> {
    const { client, token } = await ctx.services.clients.create({
      name,
      role,
      scope: scope ?? [],
      actor: ctx.principal.actor,
      actorRole: ctx.principal.role,
      requestId: ctx.requestId,
    });
    return { client: toApiClient(client), token };
  }

  @Mutation(() => ApiClient, { description: 'Revokes an API client: its token stops working on the next request.' })
  @Allow('admin')
  async revokeApiClient(@Ctx() ctx: AccessContext, @Arg('id', () => ID, { description: 'Client id or name.' }) id: string): Promise<ApiClient> {
    const revoked = await ctx.services.clients.revoke(id, { actor: ctx.principal.actor, actorRole: ctx.principal.role, requestId: ctx.requestId });
    return toApiClient(revoked);
  }

  @Query(() => IdentifierReadConnection, {
    description: 'Which persons’ full identifiers (and raw source lines) a client read in [from, to): one node per person, for incident reporting.',
  })
  @Allow('admin')
  async identifierReads(
    @Ctx() ctx: AccessContext,
    @Arg('client', () => ID, { description: 'Client id or name.' }) client: string,
    @Arg('from', () => DateTimeScalar) from: Date,
    @Arg('to', () => DateTimeScalar) to: Date,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<IdentifierReadConnection> {
    const c = await clientByIdOrName(ctx, client);
    const { rows, hasNextPage } = await ctx.services.audit.personsReadBy(c.publicId, from, to, first, after ? decodeCursor(after) : undefined);
    return nodePage(
      rows,
      hasNextPage,
      (r) => r.personId,
      (r) => r,
    ) as IdentifierReadConnection;
  }

  @Query(() => AuditEventConnection, { description: 'Audit events, newest first.' })
  @Allow('admin')
  async auditEvents(
    @Ctx() ctx: AccessContext,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter: AuditEventFilter | undefined,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<AuditEventConnection> {
    const f = filter ?? {};
    let personIds: number[] | undefined;
    if (f.person) {
      const p = await ctx.services.registry.personByPublicId(f.person, ctx.scope);
      personIds = p ? [p.id] : [];
    }
    const actor = f.client ? (await clientByIdOrName(ctx, f.client)).publicId : undefined;
    const { rows, hasNextPage } = await ctx.services.audit.events(
      { actor: actor && `client:${actor}`, personIds, action: f.action, from: f.from, to: f.to },
      first,
      after ? decodeCursor(after) : undefined,
    );
    return nodePage(rows, hasNextPage, (r) => r.id, toAuditEvent) as AuditEventConnection;
  }

  @Query(() => PersonDossier, {
    nullable: true,
    description: 'Everything held about one person, with source records, import runs and access log (titular requests, Ley 1581). Audited.',
  })
  @Allow('admin')
  async personDossier(@Ctx() ctx: AccessContext, @Arg('id', () => ID) id: string): Promise<PersonDossier | null> {
    const d = await ctx.services.audit.dossier(id, ctx.scope);
    if (!d) return null;
    ctx.audit.add({ action: 'dossier', field: 'Query.personDossier', subjectType: 'person', subjectId: d.person.publicId, personId: d.person.id });
    return {
      person: toPerson(d.person),
      mergedIds: d.mergedPublicIds,
      sourceRecords: d.sourceRecords.map(toSourceRecord),
      importRuns: d.importRuns.map((r) => toImportRun(r)),
      personIds: d.personIds,
    };
  }
}

@Resolver(() => PersonDossier)
export class PersonDossierResolver {
  @FieldResolver(() => AuditEventConnection, { description: 'Who accessed this person’s data (and the merged-away ids’), newest first.' })
  @Sensitive('personal')
  async accessLog(
    @Root() d: PersonDossier,
    @Ctx() ctx: AccessContext,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<AuditEventConnection> {
    const { rows, hasNextPage } = await ctx.services.audit.events({ personIds: d.personIds }, first, after ? decodeCursor(after) : undefined);
    return nodePage(rows, hasNextPage, (r) => r.id, toAuditEvent) as AuditEventConnection;
  }
}

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @FieldResolver(() => Person, { nullable: true, description: 'The person the event is about (null when none, or outside the caller’s territory).' })
  @Sensitive('personal')
  async person(@Root() e: AuditEvent, @Ctx() ctx: AccessContext): Promise<Person | null> {
    if (e.personId == null) return null;
    const p = await ctx.loaders.personById.load(e.personId);
    return p && toPerson(p);
  }
}

@Resolver(() => IdentifierRead)
export class IdentifierReadResolver {
  @FieldResolver(() => Person, { nullable: true, description: 'null when outside the caller’s territory.' })
  @Sensitive('personal')
  async person(@Root() r: IdentifierRead, @Ctx() ctx: AccessContext): Promise<Person | null> {
    const p = await ctx.loaders.personById.load(r.personId);
    return p && toPerson(p);
  }
}
