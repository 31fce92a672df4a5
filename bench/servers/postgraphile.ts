/**
 * PostGraphile 5 (Amber preset) over the bench database, as an agency IT team would point it at the
 * registry: every table of `public`, no authentication, no limits. Started by
 * bench/api-vs-postgraphile.ts as a child process (its own RSS and CPU); reports its URL over IPC.
 *
 *   DATABASE_URL=… node --import tsx bench/servers/postgraphile.ts
 */
import './promiseWithResolvers';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { jsonPgSmartTags } from 'postgraphile/utils';

const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error('DATABASE_URL is required');

// The enum `review_decision` and the table `review_decisions` both want the GraphQL name
// ReviewDecision: a smart tag renames the enum (what a PostGraphile user does; the database is untouched).
const NamingPlugin = jsonPgSmartTags({ version: 1, config: { type: { review_decision: { tags: { name: 'ReviewDecisionKind' } } } } });

const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  plugins: [NamingPlugin],
  // The same pool size as the hub's default (DATABASE_POOL_MAX=10).
  pgServices: [makePgService({ connectionString, schemas: ['public'], poolConfig: { max: Number(process.env.POOL_MAX ?? 10) } })],
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: { explain: false },
});

const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server);
// Build the schema before reporting ready, so the first measured request does not pay for it.
await pgl.getSchema();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/graphql`;
  if (process.send) process.send({ type: 'ready', url });
  else console.log(url);
});

process.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop')
    server.close(async () => {
      await pgl.release();
      process.exit(0);
    });
});
