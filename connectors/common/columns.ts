/** Fast per-record access to the columns a layout resolved. */
import type { ColumnMap } from './layout';
import type { RawRecord } from './reader';
import { cleanField } from './values';

export interface Columns {
  /** Column index of a canonical field, -1 when the file has no such column. */
  at(name: string): number;
  has(name: string): boolean;
  /** The field's name as the file spells it, for row issues. */
  label(name: string): string;
  /** Cleaned value (trimmed, repaired, NFC) of column `i` of a record; '' when absent. */
  value(rec: RawRecord, i: number): string;
  /** Constant from the layout, if the field has no column. */
  constant(name: string): string | undefined;
  /** Indexes and labels of the given fields present in the file (for UNDECODABLE checks). */
  used(names: readonly string[]): { indexes: number[]; labels: string[] };
}

export function columns(map: ColumnMap): Columns {
  return {
    at: (name) => map.index[name] ?? -1,
    has: (name) => name in map.index || name in map.constants,
    label: (name) => map.label[name] ?? name,
    value: (rec, i) => (i < 0 ? '' : cleanField(rec.fields[i], rec.special)),
    constant: (name) => map.constants[name],
    used(names) {
      const present = names.filter((n) => n in map.index);
      return { indexes: present.map((n) => map.index[n]), labels: present.map((n) => map.label[n] ?? n) };
    },
  };
}
