/**
 * The answer: one line per input line, in input order, and its CSV form. Pure.
 *
 * The CSV is `;`-separated UTF-8 with a BOM (what Excel in Spanish locales opens correctly), one
 * row per input line: `linea;tipo_cruce;id_persona;distancia_nombres;marcas;<facts>;servicio_registrado;errores`.
 * It carries no name, document or birth date: only the line number the agency already holds, the
 * person's public id and the facts the client's role allows.
 */
import type { InputIssue } from './input';
import type { MatchFlag, MatchType } from './matcher';
import { factCell, type CruceFacts, type FactColumn } from './facts';

export interface CruceLine {
  line: number;
  /** null for a row with errors (not matched). */
  matchType: MatchType | null;
  personPublicId: string | null;
  nameDistance: number | null;
  flags: MatchFlag[];
  /** The engine's reasons for the match (SAME_DOCUMENT, DOCUMENT_EVOLUTION, PHONETIC_NAME_AND_BIRTH_DATE…). */
  reasons: string[];
  facts: CruceFacts | null;
  /** The row's delivered service was kept as a fact on the person. */
  serviceRecorded: boolean;
  errors: InputIssue[];
  warnings: InputIssue[];
}

export const MATCH_TYPE_LABELS: Readonly<Record<MatchType | 'ERROR', string>> = {
  DOCUMENTO: 'Documento',
  FONETICO: 'Fonético',
  NO_CRUZO: 'No cruzó',
  ERROR: 'Error',
};

export const ANSWER_BASE_COLUMNS = ['linea', 'tipo_cruce', 'id_persona', 'distancia_nombres', 'marcas'] as const;
export const ANSWER_TAIL_COLUMNS = ['servicio_registrado', 'errores', 'advertencias'] as const;

export function answerHeader(factColumns: readonly FactColumn[]): string[] {
  return [...ANSWER_BASE_COLUMNS, ...factColumns.map((c) => c.key), ...ANSWER_TAIL_COLUMNS];
}

const issues = (xs: readonly InputIssue[]) => xs.map((i) => `${i.field}:${i.code}`).join(' ');

/** The cells of one answer line (strings), in {@link answerHeader} order. */
export function answerCells(l: CruceLine, factColumns: readonly FactColumn[]): string[] {
  return [
    String(l.line),
    MATCH_TYPE_LABELS[l.matchType ?? 'ERROR'],
    l.personPublicId ?? '',
    l.nameDistance === null ? '' : String(l.nameDistance),
    l.flags.join(' '),
    ...factColumns.map((c) => (l.facts ? factCell(l.facts, c.key) : '')),
    l.serviceRecorded ? 'SI' : 'NO',
    issues(l.errors),
    issues(l.warnings),
  ];
}

function csvCell(v: string): string {
  return /[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export const CSV_BOM = '\uFEFF';

export function csvRow(cells: readonly string[]): string {
  return cells.map(csvCell).join(';') + '\r\n';
}
