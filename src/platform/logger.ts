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

/** Only these fields of a plain object logged as an error (a connection error copied by hand, a rejection value). */
const plainError = (o: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const k of ['type', 'name', 'message', 'code', 'errno', 'syscall', 'address', 'port'] as const) {
    const v = o[k];
    if (typeof v === 'string' || typeof v === 'number') out[k === 'name' ? 'type' : k] = v;
  }
  return Object.keys(out).length ? out : { message: 'non-error value' };
};

export function serializeError(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return e !== null && typeof e === 'object' ? plainError(e as Record<string, unknown>) : { message: String(e) };
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
  // A dual-stack connect failure is an AggregateError with an empty message: say what failed.
  const inner = e instanceof AggregateError ? e.errors.filter((x): x is Error => x instanceof Error) : [];
  return {
    type: e.name,
    message: e.message || inner.map((x) => x.message).join('; ') || e.name,
    code: anyErr.code,
    constraint: anyErr.constraint_name ?? anyErr.constraint,
    stack: e.stack,
  };
}
