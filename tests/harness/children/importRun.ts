/**
 * Child process of the crash tests: opens the database, builds the app (in-process job driver, no
 * processors) and advances one import run with ImportService.process, as the job does — then exits 0.
 *
 * With `killAt`, it SIGKILLs itself at its N-th database call: every drizzle query (counted where
 * drizzle logs it, just before sending) and every COPY chunk count. `killMode` 'before' dies before
 * that call is sent; 'after' a moment after, while PostgreSQL is executing it. So a test can cut the
 * work anywhere: in the staging COPY, inside a chunk's transaction or the bulk load, between steps.
 *
 *   node --import tsx tests/harness/children/importRun.ts '{"url":"postgres://…","runId":1,"chunkSize":"25","killAt":40,"killMode":"after"}'
 *
 * Prints `calls <n>` on stdout when it finishes without being killed (the parent uses it to place
 * kill points).
 */
import { InlineJobQueue } from '../../../jobs/drivers/inline';
import { createApp } from '../../../src/app';
import { loadConfig } from '../../../src/platform/config';
import { TEST_ARCHIVE_DIR } from '../env';
import { createPostgresDatabase } from '../../../src/platform/db/postgres';
import { createLogger } from '../../../src/platform/logger';

interface Args {
  url: string;
  runId: number;
  chunkSize: string;
  killAt?: number;
  killMode?: 'before' | 'after';
}

const args = JSON.parse(process.argv[2]) as Args;
const db = createPostgresDatabase({ url: args.url, poolMax: 4 });

let calls = 0;
const die = () => process.kill(process.pid, 'SIGKILL');
const count = () => {
  calls++;
  if (args.killAt !== undefined && calls === args.killAt) {
    if (args.killMode === 'after') setTimeout(die, 3);
    else die();
  }
};

// Drizzle increments stats.queries as it sends each query (its logger): count there.
let queries = 0;
Object.defineProperty(db.stats, 'queries', {
  get: () => queries,
  set: (v: number) => {
    queries = v;
    count();
  },
});
const copyFrom = db.copyFrom.bind(db);
db.copyFrom = (table, columns, data) =>
  copyFrom(
    table,
    columns,
    (async function* () {
      for await (const chunk of data) {
        count();
        yield chunk;
      }
    })(),
  );

const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: args.url, IMPORT_CHUNK_SIZE: args.chunkSize, ARCHIVE_DIR: TEST_ARCHIVE_DIR });
const logger = createLogger({ level: 'silent' });
// The in-process driver without processors: whatever the run enqueues (its reconciliation) stays queued.
const queue = new InlineJobQueue(logger);
const app = createApp({ config, db, logger, queue });
try {
  await app.services.imports.process(args.runId).catch((e: Error) => {
    if (e.name !== 'FileFormatError') throw e;
  });
} finally {
  await queue.close(0);
  await db.close();
}
process.stdout.write(`calls ${calls}\n`);
