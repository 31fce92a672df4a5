import { Command, CommanderError } from 'commander';
import { registerMigrate } from './commands/migrate';
import { registerSchema } from './commands/schema';
import { registerServe } from './commands/serve';
import { registerImport } from './commands/import';
import { registerRuns } from './commands/runs';
import { registerDemo } from './commands/demo';
import { registerClients } from './commands/clients';
import { registerWorker } from './commands/worker';
import { registerSchedule } from './commands/schedule';
import { registerReconcile } from './commands/reconcile';
import { registerLinks } from './commands/links';
import { registerCruce } from './commands/cruce';
import { registerArchive } from './commands/archive';
import { registerAudit } from './commands/audit';
import { CliError } from './runtime';

// `juntos-hub runs | head`: the reader closing the pipe is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const program = new Command()
  .name('juntos-hub')
  .description('Open data-integration hub for social-protection agencies: household registry, registry connectors, identity reconciliation, GraphQL API.')
  .showHelpAfterError()
  .exitOverride();

registerServe(program);
registerMigrate(program);
registerSchema(program);
registerImport(program);
registerRuns(program);
registerDemo(program);
registerClients(program);
registerWorker(program);
registerSchedule(program);
registerReconcile(program);
registerLinks(program);
registerCruce(program);
registerArchive(program);
registerAudit(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  if (e instanceof CliError) {
    if (e.message) process.stderr.write(`${e.message}\n`);
    process.exit(e.exitCode);
  }
  throw e;
}
