import { NodeList, DateTimeScalar, JSONScalar, PersonalType, Sensitive } from '../../graphql/shared';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ImportRun } from '../../imports';
import { Person, SourceRecord } from '../../registry';
export const ClientRole = { READER: 'reader', STEWARD: 'steward', OPERATOR: 'operator', ADMIN: 'admin' } as const;
registerEnumType(ClientRole, {
  name: 'ClientRole',
  description:
    'READER: registry, identifiers masked. STEWARD: full identifiers, raw lines, review. OPERATOR: imports and runs, no personal data. ADMIN: everything, clients and audit.',
});

@ObjectType({ simpleResolvers: true, description: 'Departments and municipalities (DANE codes) a client is limited to.' })
export class TerritoryScopeInfo {
  @Field(() => [String])
  departments!: string[];

  @Field(() => [String])
  municipalities!: string[];
}

@ObjectType({ simpleResolvers: true, description: 'An API client. Its token is shown only once, at creation.' })
export class ApiClient {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => ClientRole)
  role!: string;

  @Field(() => TerritoryScopeInfo, { nullable: true, description: 'null: the whole country.' })
  scope!: TerritoryScopeInfo | null;

  @Field(() => String, { description: 'First characters of the token, to recognise it (never enough to use it).' })
  tokenPrefix!: string;

  @Field(() => String)
  createdBy!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Refreshed at most once a minute.' })
  lastUsedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType({ simpleResolvers: true })
export class CreateApiClientResult {
  @Field(() => ApiClient)
  client!: ApiClient;

  @Field(() => String, { description: 'The bearer token. Store it now: the hub keeps only its SHA-256 and cannot show it again.' })
  token!: string;
}

@ObjectType({ description: 'One entry of the append-only audit log.' })
@PersonalType()
export class AuditEvent {
  @Field(() => ID)
  @Sensitive('public')
  id!: string;

  @Field(() => DateTimeScalar)
  @Sensitive('public')
  occurredAt!: Date;

  @Field(() => String, { description: '`client:<id>` for API clients, `cli:<user>` for the command line.' })
  @Sensitive('public')
  actor!: string;

  @Field(() => String, { nullable: true })
  @Sensitive('public')
  actorRole!: string | null;

  @Field(() => String, { description: 'read, mutation, dossier, client.create, client.revoke, decisions and merges.' })
  @Sensitive('public')
  action!: string;

  @Field(() => String)
  @Sensitive('public')
  subjectType!: string;

  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  subjectId!: string | null;

  @Field(() => String, { nullable: true, description: 'For reads: the field disclosed, e.g. Identifier.number.' })
  @Sensitive('public')
  field!: string | null;

  @Field(() => String, { nullable: true, description: 'Correlates with the server log of the request.' })
  @Sensitive('public')
  requestId!: string | null;

  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  reason!: string | null;

  @Field(() => JSONScalar, { nullable: true })
  @Sensitive('personal')
  before!: unknown;

  @Field(() => JSONScalar, { nullable: true })
  @Sensitive('personal')
  after!: unknown;

  personId!: number | null;
}

@ObjectType({ simpleResolvers: true })
export class AuditEventConnection extends NodeList(AuditEvent) {}

@ObjectType({ description: 'The audited fields of one person that a client read in a period.' })
@PersonalType()
export class IdentifierRead {
  @Field(() => [String], { description: 'e.g. Identifier.number, SourceRecord.raw.' })
  @Sensitive('public')
  fields!: string[];

  @Field(() => Int)
  @Sensitive('public')
  reads!: number;

  @Field(() => DateTimeScalar)
  @Sensitive('public')
  firstReadAt!: Date;

  @Field(() => DateTimeScalar)
  @Sensitive('public')
  lastReadAt!: Date;

  personId!: number;
}

@ObjectType({ simpleResolvers: true })
export class IdentifierReadConnection extends NodeList(IdentifierRead) {}

@ObjectType({ description: 'Everything the hub holds about one person, with provenance: the answer to a titular request (Ley 1581).' })
@PersonalType()
export class PersonDossier {
  @Field(() => Person, { description: 'The golden record (query its identifiers, affiliations, households, victim registrations...).' })
  @Sensitive('personal')
  person!: Person;

  @Field(() => [ID], { description: 'Ids of persons merged into this one (they resolve to it).' })
  @Sensitive('public')
  mergedIds!: string[];

  @Field(() => [SourceRecord], { description: 'Every stored version of every source record linked to the person.' })
  @Sensitive('public')
  sourceRecords!: SourceRecord[];

  @Field(() => [ImportRun], { description: 'The import runs that brought those records.' })
  @Sensitive('public')
  importRuns!: ImportRun[];

  personIds!: number[];
}

@InputType({ description: 'All given conditions must hold.' })
export class AuditEventFilter {
  @Field(() => ID, { nullable: true, description: 'API client id or name.' })
  client?: string;

  @Field(() => ID, { nullable: true, description: 'Person public id (a merged-away id covers its survivor).' })
  person?: string;

  @Field(() => String, { nullable: true })
  action?: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Inclusive.' })
  from?: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Exclusive.' })
  to?: Date;
}
