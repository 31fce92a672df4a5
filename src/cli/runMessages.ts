/**
 * The CLI's messages about run options, leases and the job queue, in Spanish (default) and English
 * (JUNTOS_LANG=en). Values are run ids, codes, shares and process names: never personal data.
 */
export type Lang = 'es' | 'en';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1).replace(/\.0$/, '')} %`);

const es = {
  badRate: (flag: string, value: string) => `${flag} debe ser una proporción entre 0 y 1 (p. ej. 0.5) o un porcentaje (50%); se recibió "${value}".`,
  failedBefore: (ids: number[], codes: string[], id: number) =>
    `El mismo archivo falló antes como corrida ${ids.join(', ')} (${codes.join(', ')}); esta es una corrida nueva: ${id}.`,
  limits: (err: number | null, gone: number | null) => `  límites     ${pct(err)} de filas rechazadas, ${pct(gone)} de registros desaparecidos`,
  retried: (id: number, source: string, err: number | null, gone: number | null) =>
    `Corrida ${id} reintentada con fuente ${source}, límites ${pct(err)} de filas rechazadas y ${pct(gone)} de registros desaparecidos.`,
  queueName: (q: string) => ({ imports: 'importaciones', reconciliation: 'conciliación' })[q] ?? q,
  noWorker: (queue: string, what: string, secs: number) =>
    `ningún worker está consumiendo la cola de ${queue} — inicie \`juntos-hub worker\` (${what}; nadie la avanza desde hace ${secs} s; la corrida queda registrada y seguirá cuando un worker arranque).`,
  runWhat: (kind: string, id: number, state: string) => `${kind === 'import' ? 'corrida de importación' : 'corrida de conciliación'} ${id}: ${state}`,
  takenOver: (imports: number[], reconciliations: number[]) =>
    `Se retoman corridas sin terminar que ningún proceso avanzaba${imports.length ? `; importación ${imports.join(', ')}` : ''}${reconciliations.length ? `; conciliación ${reconciliations.join(', ')}` : ''}. Este proceso las termina.`,
  reconcilingAfterImport: (id: number) => `Conciliación ${id} de lo importado: este proceso la ejecuta hasta el final (sin REDIS_URL no hay otro que lo haga)…`,
  reconciled: (id: number, state: string, records: number) => `Conciliación ${id}: ${state}, ${records} registros procesados.`,
  lease: (owner: string | null, live: boolean, heartbeat: Date | null) =>
    `  proceso     ${owner ?? '–'}${heartbeat ? `, último latido ${heartbeat.toISOString().slice(0, 19)}Z` : ''}${live ? '' : ' — ningún proceso la avanza ahora: `juntos-hub worker` (o `serve`) la retoma; sin Redis también `juntos-hub reconcile`'}`,
};

// Typed as the Spanish catalogue: a message missing, extra or with other arguments does not compile.
const en: typeof es = {
  badRate: (flag: string, value: string) => `${flag} must be a share between 0 and 1 (e.g. 0.5) or a percentage (50%); got "${value}".`,
  failedBefore: (ids: number[], codes: string[], id: number) =>
    `The same file failed before as run ${ids.join(', ')} (${codes.join(', ')}); this is a new run: ${id}.`,
  limits: (err: number | null, gone: number | null) => `  limits      ${pct(err)} of rows rejected, ${pct(gone)} of records disappearing`,
  retried: (id: number, source: string, err: number | null, gone: number | null) =>
    `Run ${id} retried with source ${source}, limits ${pct(err)} of rows rejected and ${pct(gone)} of records disappearing.`,
  queueName: (q: string) => ({ imports: 'import', reconciliation: 'reconciliation' })[q] ?? q,
  noWorker: (queue: string, what: string, secs: number) =>
    `no worker is consuming the ${queue} queue — start \`juntos-hub worker\` (${what}; nobody has advanced it for ${secs} s; the run stays recorded and continues when a worker starts).`,
  runWhat: (kind: string, id: number, state: string) => `${kind === 'import' ? 'import run' : 'reconciliation run'} ${id}: ${state}`,
  takenOver: (imports: number[], reconciliations: number[]) =>
    `Taking over unfinished runs no process was advancing${imports.length ? `; import ${imports.join(', ')}` : ''}${reconciliations.length ? `; reconciliation ${reconciliations.join(', ')}` : ''}. This process finishes them.`,
  reconcilingAfterImport: (id: number) => `Reconciliation ${id} of what was imported: this process runs it to the end (without REDIS_URL nobody else would)…`,
  reconciled: (id: number, state: string, records: number) => `Reconciliation ${id}: ${state}, ${records} records processed.`,
  lease: (owner: string | null, live: boolean, heartbeat: Date | null) =>
    `  process     ${owner ?? '–'}${heartbeat ? `, last heartbeat ${heartbeat.toISOString().slice(0, 19)}Z` : ''}${live ? '' : ' — no process is advancing it now: `juntos-hub worker` (or `serve`) takes it over; without Redis `juntos-hub reconcile` too'}`,
};

export const runMessages = { es, en } satisfies Record<Lang, typeof es>;

export const messagesFor = (lang: Lang) => runMessages[lang];

/** `0.5`, `.5` or `50%` → 0.5; anything else (or outside 0–1) → null. */
export function parseShare(value: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(value);
  if (!m) return null;
  const v = Number(m[1]) / (m[2] ? 100 : 1);
  return v >= 0 && v <= 1 ? v : null;
}
