import { copyFile, chmod } from 'node:fs/promises';
import { userInfo } from 'node:os';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { AppError, type Role } from '../../kernel';
import { CliError, loadCliConfig, withRuntime } from '../runtime';
import { num, t } from '../i18n';

const ROLES_FOR_CLI: Role[] = ['reader', 'steward', 'admin'];

export function registerCruce(program: Command) {
  program
    .command('cruce')
    .argument('<file>', t('help.cruce.file'))
    .description(t('help.cruce.description'))
    .requiredOption('-a, --agency <code>', t('help.cruce.agency'))
    .option('-o, --out <file>', t('help.cruce.out'))
    .option('--purpose <text>', t('help.cruce.purpose'))
    .option('--role <role>', t('help.cruce.role'), 'admin')
    .option('--json', t('help.cruce.json'))
    .action(async (file: string, opts: { agency: string; out?: string; purpose?: string; role: string; json?: boolean }) => {
      if (!ROLES_FOR_CLI.includes(opts.role as Role)) throw new CliError(t('cruce.badRole', { list: ROLES_FOR_CLI.join(', ') }), 2);
      const config = loadCliConfig();
      await withRuntime(config, async (rt) => {
        const cruce = rt.app.services.cruce;
        const bar =
          !opts.json && process.stderr.isTTY
            ? new cliProgress.SingleBar({ format: ` {bar} ${t('cruce.progress')}`, hideCursor: true }, cliProgress.Presets.shades_classic)
            : null;
        const started = Date.now();
        let barStarted = false;
        let run;
        try {
          run = await cruce.runLocalFile(
            { actor: `cli:${safeUser()}`, role: opts.role as Role, scope: null, clientId: null },
            { agency: opts.agency, purpose: opts.purpose ?? null },
            file,
            (done, total) => {
              if (!bar) return;
              if (!barStarted) {
                bar.start(total, 0, { rate: 0 });
                barStarted = true;
              }
              bar.update(done, { rate: Math.round(done / Math.max(0.001, (Date.now() - started) / 1000)) });
            },
          );
        } catch (e) {
          if (e instanceof AppError) throw new CliError(`${e.code}: ${e.message}`, 2);
          throw e;
        } finally {
          bar?.stop();
        }
        const csv = cruce.outputPath(run, 'csv');
        const xlsx = cruce.outputPath(run, 'xlsx');
        if (opts.out && run.state === 'done') {
          await copyFile(opts.out.toLowerCase().endsWith('.xlsx') ? xlsx! : csv!, opts.out);
          await chmod(opts.out, 0o600);
        }
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({
              runId: run.publicId,
              state: run.state,
              rows: run.rowsTotal,
              document: run.rowsDocument,
              phonetic: run.rowsPhonetic,
              unmatched: run.rowsUnmatched,
              rejected: run.rowsRejected,
              ambiguous: run.rowsAmbiguous,
              servicesRecorded: run.servicesRecorded,
              csv,
              xlsx,
              ...(run.failureCode ? { failureCode: run.failureCode, failureReason: run.failureReason } : {}),
            })}\n`,
          );
        } else if (run.state === 'done') {
          const secs = (Date.now() - started) / 1000;
          process.stdout.write(
            [
              t('cruce.title', { id: run.publicId, rows: num(run.rowsTotal), secs: secs.toFixed(1) }),
              t('cruce.counts', {
                document: num(run.rowsDocument),
                phonetic: num(run.rowsPhonetic),
                unmatched: num(run.rowsUnmatched),
                rejected: num(run.rowsRejected),
                ambiguous: num(run.rowsAmbiguous),
              }),
              t('cruce.services', { count: num(run.servicesRecorded) }),
              t('cruce.answer', { csv: opts.out ?? csv ?? '', xlsx: xlsx ?? '' }),
            ].join('\n') + '\n',
          );
        } else {
          process.stderr.write(`${t('cruce.failed', { id: run.publicId, code: run.failureCode ?? '', reason: run.failureReason ?? '' })}\n`);
        }
        if (run.state !== 'done') throw new CliError('', 1);
      });
    });
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
