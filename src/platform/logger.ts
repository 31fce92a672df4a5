import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Fields that may hold personal data. The hub's own code never logs them (ids, counts and codes
 * only); redaction is the second line of defence for anything that slips through, e.g. an error
 * object carrying a row.
 */
export const PERSONAL_FIELDS = [
  'firstName',
  'secondName',
  'firstSurname',
  'secondSurname',
  'birthDate',
  'docNumber',
  'documentNumber',
  'number',
  'name',
  'names',
  'raw',
  'normalized',
  'identity',
  'record',
  'row',
  'values',
  'parameters',
  'params',
  'variables',
  'authorization',
  'token',
  // A request body (body-parser puts the raw text on its errors).
  'body',
  'rawBody',
];

// `name` stays un-redacted at the top level: pino uses it for the logger's own name.
const redactPaths = PERSONAL_FIELDS.flatMap((f) => (f === 'name' ? [`*.${f}`, `*.*.${f}`] : [f, `*.${f}`, `*.*.${f}`]));

export function createLogger(options: { level?: string; destination?: DestinationStream; name?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'juntos-hub',
      level: options.level ?? 'info',
      redact: { paths: redactPaths, censor: '[redacted]' },
      // Error messages from PostgreSQL can quote key values (e.g. a unique violation on a document
      // number): keep the SQLSTATE code and constraint, drop `detail`.
      serializers: {
        err: (e: unknown) => serializeError(e),
      },
    },
    options.destination,
  );
}

type DbError = Error & { code?: unknown; constraint_name?: unknown; constraint?: unknown; table_name?: unknown; severity?: unknown; routine?: unknown };

const isSqlState = (c: unknown) => typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c);
const isDbError = (e: unknown): e is DbError =>
  e instanceof Error && isSqlState((e as DbError).code) && ((e as DbError).severity !== undefined || (e as DbError).routine !== undefined);

/** Quoted literals and long digit runs out: a database message can quote the value that failed. */
const scrubDbMessage = (m: string) =>
  m
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/\d{3,}/g, '#');

/** Stack frames without the message lines that head the stack (they repeat the message). */
const framesOnly = (stack: string | undefined) =>
  stack
    ?.split('\n')
    .filter((l) => l.startsWith('    at '))
    .join('\n');

export function serializeError(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { message: String(e) };
  // drizzle's DrizzleQueryError puts the SQL and its parameters (document numbers, names) in its
  // message and stack; PostgreSQL's own message can quote a value. Keep SQLSTATE, constraint, table.
  const chain: Error[] = [e];
  for (let c: unknown = e; chain.length < 4;) {
    c = (c as { cause?: unknown; originalError?: unknown }).cause ?? (c as { originalError?: unknown }).originalError;
    if (!(c instanceof Error)) break;
    chain.push(c);
  }
  const db = chain.find(isDbError) ?? null;
  if (db || chain.some((x) => x.name === 'DrizzleQueryError')) {
    return {
      type: e.name,
      message: db ? scrubDbMessage(db.message) : 'database query failed',
      code: db?.code,
      constraint: db?.constraint_name ?? db?.constraint,
      table: db?.table_name,
      stack: framesOnly(e.stack),
    };
  }
  const anyErr = e as DbError;
  return {
    type: e.name,
    message: e.message,
    code: anyErr.code,
    constraint: anyErr.constraint_name ?? anyErr.constraint,
    stack: e.stack,
  };
}
