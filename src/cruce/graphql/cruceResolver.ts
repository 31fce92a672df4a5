import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AppError, checkPageSize } from '../../kernel';
import { Allow, REGISTRY_ROLES, Sensitive } from '../../graphql/shared';
import { Person } from '../../registry';
import type { CruceAccess } from '../cruceService';
import type { InputField } from '../input';
import type { CruceContext } from './context';
import { CruceRowInput, CruceRun, DeliveredService, MatchPersonsResult } from './cruceTypes';
import { toCruceLine, toCruceRun, toDeliveredService } from './mappers';

const access = (ctx: CruceContext): CruceAccess => ({
  actor: ctx.principal.actor,
  role: ctx.principal.role,
  scope: ctx.scope,
  clientId: ctx.principal.clientId,
  requestId: ctx.requestId,
});

/** The client's name as an agency code when none is given ("ICBF Antioquia" → "icbf-antioquia"). */
function defaultAgency(ctx: CruceContext): string {
  const slug = ctx.principal.name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return slug || `client-${ctx.principal.clientId}`;
}

const FIELD_OF: Readonly<Record<keyof CruceRowInput, InputField>> = {
  docType: 'tipo_documento',
  docNumber: 'numero_documento',
  firstName: 'primer_nombre',
  secondName: 'segundo_nombre',
  firstSurname: 'primer_apellido',
  secondSurname: 'segundo_apellido',
  birthDate: 'fecha_nacimiento',
  sex: 'sexo',
  municipality: 'municipio',
  program: 'programa',
  entity: 'entidad',
  logro: 'logro',
  attentionDate: 'fecha_atencion',
  state: 'estado',
};

@Resolver(() => CruceRun)
export class CruceResolver {
  @Allow(...REGISTRY_ROLES)
  @Mutation(() => MatchPersonsResult, {
    description:
      'Answers up to 1,000 persons at once against the registry (document, else names and birth date): one line per row, in order, with the facts your role allows. ' +
      'A person outside your territory answers NO_CRUZO, as an absent one. Delivered services of matched rows are kept on the person. Audited.',
  })
  async matchPersons(
    @Arg('rows', () => [CruceRowInput]) rows: CruceRowInput[],
    @Ctx() ctx: CruceContext,
    @Arg('agency', () => String, { nullable: true, description: 'Agency code (default: from the client name).' }) agency?: string,
    @Arg('purpose', () => String, { nullable: true, description: 'Why the list is crossed (kept in the audit log).' }) purpose?: string,
  ): Promise<MatchPersonsResult> {
    const values = rows.map((r) => {
      const out: Partial<Record<InputField, string | null>> = {};
      for (const [k, f] of Object.entries(FIELD_OF) as [keyof CruceRowInput, InputField][]) out[f] = r[k] ?? null;
      return out;
    });
    const result = await ctx.services.cruce.matchRows(access(ctx), { agency: agency ?? defaultAgency(ctx), purpose }, values);
    return { run: toCruceRun(result.run), lines: result.lines.map(toCruceLine) };
  }

  @Allow(...REGISTRY_ROLES)
  @Mutation(() => CruceRun, {
    description:
      'Answers a file of the server’s inbox (path relative to INBOX_DIR; CSV/TXT in the cruce layout) in a background job. Follow it with cruce(id); ' +
      'the answer is downloaded from csvUrl / xlsxUrl with the same token. The file is the agency’s current list for each programme it names.',
  })
  async startCruce(
    @Arg('path', () => String) path: string,
    @Ctx() ctx: CruceContext,
    @Arg('agency', () => String, { nullable: true }) agency?: string,
    @Arg('purpose', () => String, { nullable: true }) purpose?: string,
  ): Promise<CruceRun> {
    return toCruceRun(await ctx.services.cruce.startFile(access(ctx), { agency: agency ?? defaultAgency(ctx), purpose }, path));
  }

  @Allow(...REGISTRY_ROLES)
  @Query(() => CruceRun, { nullable: true, description: 'A cruce run of yours (admins: any), with its progress and download links.' })
  async cruce(@Arg('id', () => ID) id: string, @Ctx() ctx: CruceContext): Promise<CruceRun | null> {
    const run = await ctx.services.cruce.byPublicId(id);
    return run && ctx.services.cruce.visibleTo(run, access(ctx)) ? toCruceRun(run) : null;
  }

  @Allow(...REGISTRY_ROLES)
  @Query(() => [CruceRun], { description: 'Your cruce runs, newest first (admins: everyone’s).' })
  async cruces(@Ctx() ctx: CruceContext, @Arg('first', () => Int, { defaultValue: 20 }) first = 20): Promise<CruceRun[]> {
    checkPageSize(first, 100);
    return (await ctx.services.cruce.list(access(ctx), first)).map(toCruceRun);
  }

  @Allow('admin')
  @Mutation(() => CruceRun, { description: 'Retries a failed file cruce from the start.' })
  async retryCruce(@Arg('id', () => ID) id: string, @Ctx() ctx: CruceContext): Promise<CruceRun> {
    const run = await ctx.services.cruce.byPublicId(id);
    if (!run) throw new AppError('NOT_FOUND', 'No such cruce run.');
    const again = await ctx.services.cruce.retry(run.id);
    if (!again) throw new AppError('CONFLICT', 'Only a failed cruce can be retried.');
    return toCruceRun(again);
  }
}

/** Person.deliveredServices: the services agencies reported through cruces (one query per page). */
@Resolver(() => Person)
export class DeliveredServicesResolver {
  @Allow(...REGISTRY_ROLES)
  @Sensitive('personal')
  @FieldResolver(() => [DeliveredService], {
    description: 'Services agencies reported delivering to the person (cruce), with provenance; newest attention first.',
  })
  async deliveredServices(
    @Root() person: Person,
    @Ctx() ctx: CruceContext,
    @Arg('includeVanished', () => Boolean, { defaultValue: false }) includeVanished = false,
  ): Promise<DeliveredService[]> {
    const rows = await ctx.loaders.deliveredServicesByPerson.load(person.internalId);
    return rows.filter((r) => includeVanished || r.status === 'active').map(toDeliveredService);
  }
}
