import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { ROLES, AppError } from '../../kernel';
import type { ClientRow } from '../../access';
import { scopeOf } from '../../access';
import { CliError, loadCliConfig, withRuntime } from '../runtime';

/** The audit actor of a command-line user. */
export const cliActor = () => `cli:${safeUser()}`;
function safeUser() {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

const scopeText = (c: ClientRow) => {
  const s = scopeOf(c);
  return s ? [...s.departments, ...s.municipalities].join(',') || '(none)' : 'all';
};

const asJson = (c: ClientRow) => ({
  id: c.publicId,
  name: c.name,
  role: c.role,
  scope: scopeOf(c),
  tokenPrefix: c.tokenPrefix,
  createdBy: c.createdBy,
  createdAt: c.createdAt,
  lastUsedAt: c.lastUsedAt,
  revokedAt: c.revokedAt,
});

const expected = (e: unknown): never => {
  if (e instanceof AppError) throw new CliError(`${e.code}: ${e.message}`);
  throw e;
};

export function registerClients(program: Command) {
  const clients = program.command('clients').description('API clients: create (prints the token once), list, revoke.');

  clients
    .command('create')
    .description('Create an API client and print its bearer token. The token is shown only this once: the hub keeps its SHA-256.')
    .requiredOption('--name <name>', 'a name that identifies the client (agency system or person)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--scope <codes>', 'comma-separated DANE codes of departments (05) or municipalities (05001); default: the whole country')
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; role: string; scope?: string; json?: boolean }) => {
      const config = loadCliConfig();
      await withRuntime(
        config,
        async (rt) => {
          const scope = opts.scope
            ? opts.scope
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : [];
          const { client, token } = await rt.app.services.clients.create({ name: opts.name, role: opts.role, scope, actor: cliActor() }).catch(expected);
          if (opts.json) {
            process.stdout.write(JSON.stringify({ ...asJson(client), token }) + '\n');
            return;
          }
          process.stdout.write(
            `Created client ${client.name} (${client.publicId}), role ${client.role}, scope ${scopeText(client)}.\n` +
              `Token (shown once; send it as "Authorization: Bearer <token>"):\n\n  ${token}\n\n`,
          );
        },
        { workers: false },
      );
    });

  clients
    .command('list')
    .description('List API clients (never their tokens).')
    .option('--all', 'include revoked clients')
    .option('--json', 'print JSON lines')
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      const config = loadCliConfig();
      await withRuntime(
        config,
        async (rt) => {
          const rows = await rt.app.services.clients.list({ includeRevoked: opts.all });
          if (opts.json) {
            for (const c of rows) process.stdout.write(JSON.stringify(asJson(c)) + '\n');
            return;
          }
          process.stdout.write(
            `${'ID'.padEnd(36)}  ${'NAME'.padEnd(24)} ${'ROLE'.padEnd(8)} ${'TOKEN'.padEnd(10)} ${'LAST USED'.padEnd(19)} ${'REVOKED'.padEnd(19)} SCOPE\n`,
          );
          for (const c of rows) {
            const t = (d: Date | null) => (d ? d.toISOString().slice(0, 19) : '-').padEnd(19);
            process.stdout.write(
              `${c.publicId}  ${c.name.slice(0, 24).padEnd(24)} ${c.role.padEnd(8)} ${c.tokenPrefix.padEnd(10)} ${t(c.lastUsedAt)} ${t(c.revokedAt)} ${scopeText(c)}\n`,
            );
          }
        },
        { workers: false },
      );
    });

  clients
    .command('revoke')
    .argument('<client>', 'client id or name')
    .description('Revoke a client: its token stops working on the next request.')
    .action(async (idOrName: string) => {
      const config = loadCliConfig();
      await withRuntime(
        config,
        async (rt) => {
          const c = await rt.app.services.clients.revoke(idOrName, { actor: cliActor() }).catch(expected);
          process.stdout.write(`Revoked client ${c.name} (${c.publicId}).\n`);
        },
        { workers: false },
      );
    });
}
