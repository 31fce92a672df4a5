import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { ROLES, AppError } from '../../kernel';
import type { ClientRow } from '../../access';
import { scopeOf } from '../../access';
import { CliError, loadCliConfig, withRuntime } from '../runtime';
import { t } from '../i18n';

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
  return s ? [...s.departments, ...s.municipalities].join(',') || t('clients.scopeNone') : t('clients.scopeAll');
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
  const clients = program.command('clients').description(t('help.clients.description'));

  clients
    .command('create')
    .description(t('help.clients.create'))
    .requiredOption('--name <name>', t('help.clients.name'))
    .requiredOption('--role <role>', t('help.clients.role', { list: ROLES.join(', ') }))
    .option('--scope <codes>', t('help.clients.scope'))
    .option('--json', t('help.json'))
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
            `${t('clients.created', { name: client.name, id: client.publicId, role: client.role, scope: scopeText(client) })}\n${t('clients.token')}\n\n  ${token}\n\n`,
          );
        },
        { workers: false },
      );
    });

  clients
    .command('list')
    .description(t('help.clients.list'))
    .option('--all', t('help.clients.all'))
    .option('--json', t('help.jsonLines'))
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
            `${t('clients.cols.id').padEnd(36)}  ${t('clients.cols.name').padEnd(24)} ${t('clients.cols.role').padEnd(8)} ${t('clients.cols.token').padEnd(10)} ${t('clients.cols.lastUsed').padEnd(19)} ${t('clients.cols.revoked').padEnd(19)} ${t('clients.cols.scope')}\n`,
          );
          for (const c of rows) {
            const at = (d: Date | null) => (d ? d.toISOString().slice(0, 19) : '-').padEnd(19);
            process.stdout.write(
              `${c.publicId}  ${c.name.slice(0, 24).padEnd(24)} ${c.role.padEnd(8)} ${c.tokenPrefix.padEnd(10)} ${at(c.lastUsedAt)} ${at(c.revokedAt)} ${scopeText(c)}\n`,
            );
          }
        },
        { workers: false },
      );
    });

  clients
    .command('revoke')
    .argument('<client>', t('help.clients.revokeClient'))
    .description(t('help.clients.revoke'))
    .action(async (idOrName: string) => {
      const config = loadCliConfig();
      await withRuntime(
        config,
        async (rt) => {
          const c = await rt.app.services.clients.revoke(idOrName, { actor: cliActor() }).catch(expected);
          process.stdout.write(`${t('clients.revoked', { name: c.name, id: c.publicId })}\n`);
        },
        { workers: false },
      );
    });
}
