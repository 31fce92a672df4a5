/**
 * Reading a cruce file (pure: bytes in, validated rows out). The connectors' byte-level rules apply:
 * strict UTF-8 or else Windows-1252 (which covers Latin-1), BOM removed, mojibake repaired, NFC; the
 * delimiter (`;` `,` `|` or tab) is detected from the first lines; the first line is the header, whose
 * column names are matched without regard to case, accents or punctuation (input.ts lists the
 * accepted spellings). Every data line becomes one row, valid or not, with its physical line number.
 */
import { decodeBytes, detectEncoding, FileFormatError, type FileEncoding } from '../../connectors';
import { detectDelimiter, delimiterName } from '../../connectors/common/delimited';
import { RecordSplitter } from '../../connectors/common/reader';
import { columnOf, REQUIRED_COLUMNS, validateRow, type InputField, type InputRow, type ValidationContext } from './input';

export const CRUCE_DELIMITERS = [';', ',', '|', '\t'] as const;

/** Largest list one cruce answers (a file, or the rows of one run). */
export const MAX_CRUCE_ROWS = 1_000_000;
export const MAX_CRUCE_BYTES = 256 * 1024 * 1024;

export interface ParsedCruceFile {
  encoding: FileEncoding;
  delimiter: string;
  /** Canonical column of each file column (null: ignored). */
  columns: (InputField | null)[];
  rows: InputRow[];
}

export { FileFormatError };

/** Parses and validates a whole cruce file. Throws FileFormatError when the file as a whole is unusable. */
export function parseCruceFile(bytes: Uint8Array, ctx: ValidationContext): ParsedCruceFile {
  if (bytes.length === 0) throw new FileFormatError('EMPTY_FILE', 'The file is empty.');
  if (bytes.length > MAX_CRUCE_BYTES) throw new FileFormatError('FILE_TOO_LARGE', `The file is larger than ${MAX_CRUCE_BYTES / 1024 / 1024} MiB: split it.`);
  const encoding = detectEncoding(bytes);
  const text = decodeBytes(bytes, encoding);
  const head = text.slice(0, 64 * 1024).split(/\r\n|\n|\r/, 20);
  const delimiter = detectDelimiter(head, CRUCE_DELIMITERS);
  if (delimiter === null) {
    throw new FileFormatError('NO_DELIMITER', `No column delimiter found on the header line (expected ${CRUCE_DELIMITERS.map(delimiterName).join(', ')}).`, 1);
  }
  const splitter = new RecordSplitter({ delimiter });
  splitter.feed(text);
  const header = splitter.next(true);
  if (header === null) throw new FileFormatError('EMPTY_FILE', 'The file has no lines.');
  if (header.malformed) throw new FileFormatError('MALFORMED_HEADER', 'The header line has an unterminated quote.', header.line);
  const columns = header.fields.map((f) => columnOf(f.replace(/^\uFEFF/, '')));
  const seen = new Set<InputField>();
  columns.forEach((c, i) => {
    if (c === null) return;
    if (seen.has(c)) throw new FileFormatError('DUPLICATE_COLUMN', `Column ${i + 1} repeats the column ${c}.`, header.line);
    seen.add(c);
  });
  const missing = REQUIRED_COLUMNS.filter((c) => !seen.has(c));
  if (missing.length > 0) {
    throw new FileFormatError(
      'MISSING_COLUMNS',
      `The header lacks the required column(s) ${missing.join(', ')} (see docs/cruce.md for the layout and the accepted names).`,
      header.line,
    );
  }
  while (columns.length > 1 && columns[columns.length - 1] === null && header.fields[columns.length - 1].trim() === '') columns.pop();
  const width = columns.length;

  const rows: InputRow[] = [];
  for (let rec = splitter.next(true); rec !== null; rec = splitter.next(true)) {
    if (rows.length >= MAX_CRUCE_ROWS) throw new FileFormatError('TOO_MANY_ROWS', `The file has more than ${MAX_CRUCE_ROWS} rows: split it.`, rec.line);
    if (rec.malformed) {
      rows.push(rowError(rec.line, 'UNTERMINATED_QUOTE', 'A quoted field opens with " but never closes; the row was skipped.'));
      continue;
    }
    const fields = rec.fields;
    if (fields.length === width + 1 && fields[width].trim() === '') fields.pop();
    if (fields.length !== width) {
      rows.push(rowError(rec.line, 'WRONG_COLUMN_COUNT', `Expected ${width} columns, found ${fields.length}.`));
      continue;
    }
    const values: Partial<Record<InputField, string>> = {};
    for (let i = 0; i < width; i++) {
      const c = columns[i];
      if (c !== null) values[c] = fields[i];
    }
    rows.push(validateRow(rec.line, values, ctx, rec.special));
  }
  if (rows.length === 0) throw new FileFormatError('EMPTY_FILE', 'The file has a header but no data lines.');
  return { encoding, delimiter, columns, rows };
}

function rowError(line: number, code: string, message: string): InputRow {
  return { ok: false, line, errors: [{ line, field: '(row)', code, message, severity: 'error' }], warnings: [] };
}
