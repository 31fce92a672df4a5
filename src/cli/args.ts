import { stat } from 'node:fs/promises';
import { SOURCE_NAMES, type SourceName } from '../kernel';
import { t } from './i18n';
import { CliError } from './runtime';

/** Checks of the command line, before anything opens the database: a bad argument is one line and exit 2. */
export function parseSource(s: string | undefined): SourceName | undefined {
  if (s === undefined) return undefined;
  const v = s.toLowerCase() as SourceName;
  if (!SOURCE_NAMES.includes(v)) throw new CliError(t('errors.badSource', { list: SOURCE_NAMES.join(', ') }), 2);
  return v;
}

export function parseRunId(s: string): number {
  if (!/^\d{1,15}$/.test(s.trim()) || Number(s) < 1) throw new CliError(t('errors.badRunId', { value: s.slice(0, 40) }), 2);
  return Number(s);
}

export function parseCount(option: string, s: string): number {
  if (!/^\d{1,9}$/.test(s.trim())) throw new CliError(t('errors.badNumber', { option, value: s.slice(0, 40) }), 2);
  return Number(s);
}

export async function checkFile(file: string): Promise<void> {
  const st = await stat(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') throw new CliError(t('errors.fileMissing', { file }), 2);
    throw new CliError(t('errors.fileUnreadable', { file, reason: e.code ?? e.message }), 2);
  });
  if (!st.isFile()) throw new CliError(t('errors.fileNotFile', { file }), 2);
}
