import { copyFile, chmod } from 'node:fs/promises';
import { userInfo } from 'node:os';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { AppError, type Role } from '../../kernel';
import { CliError, loadCliConfig, withRuntime } from '../runtime';

const ROLES_FOR_CLI: Role[] = ['reader', 'steward', 'admin'];

export function registerCruce(program: Command) {
  program
    .command('cruce')
    .argument('<file>', 'list of persons in the cruce layout (CSV/TXT; UTF-8, Windows-1252 or Latin-1; ; , | or tab; header) — see docs/cruce.md')
    .description(
      'Answer an agency’s list against the registry: one line per input line with the match type (Documento, Fonético, No cruzó), the person’s id, ' +
        'the name distance and the facts the role allows; keep the services of matched rows. The answer (CSV and XLSX) is written to DATA_DIR/cruce.',
    )
    .requiredOption('-a, --agency <code>', 'agency code (e.g. icbf, sena-antioquia): the services are kept as source cruce:<agency>')
    .option('-o, --out <file>', 'also copy the answer here (.xlsx for Excel, anything else gets the CSV)')
    .option('--purpose <text>', 'why the list is crossed (kept in the audit log)')
    .option('--role <role>', 'answer as this role discloses facts (reader, steward, admin)', 'admin')
    .option('--json', 'print one JSON object (runId, state, rows, document, phonetic, unmatched, rejected, ambiguous, servicesRecorded, csv, xlsx)')
    .action(async (file: string, opts: { agency: string; out?: string; purpose?: string; role: string; json?: boolean }) => {
      if (!ROLES_FOR_CLI.includes(opts.role as Role)) throw new CliError(`--role must be one of ${ROLES_FOR_CLI.join(', ')}`, 2);
      const config = loadCliConfig();
      await withRuntime(config, async (rt) => {
        const cruce = rt.app.services.cruce;
        const bar =
          !opts.json && process.stderr.isTTY
            ? new cliProgress.SingleBar(
                { format: ' {bar} {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}', hideCursor: true },
                cliProgress.Presets.shades_classic,
              )
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
            `Cruce ${run.publicId}: ${run.rowsTotal} rows in ${secs.toFixed(1)} s\n` +
              `  Documento ${run.rowsDocument} · Fonético ${run.rowsPhonetic} · No cruzó ${run.rowsUnmatched} · con errores ${run.rowsRejected} · ambiguos ${run.rowsAmbiguous}\n` +
              `  services kept: ${run.servicesRecorded}\n  answer: ${opts.out ?? csv}\n          ${xlsx}\n`,
          );
        } else {
          process.stderr.write(`Cruce ${run.publicId} failed: ${run.failureCode}: ${run.failureReason}\n`);
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
