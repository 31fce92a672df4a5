/**
 * File layouts as data. A layout says which column of a file holds each canonical field a connector
 * understands: by header name (any of several aliases) or by 1-based position for files without a
 * header. A new version of an official annex is a new layout object or JSON file, not new code.
 */
import { z } from 'zod';
import { foldAccents } from '../../src/domain/text';
import { FileFormatError } from '../types';
import { SOURCE_NAMES } from '../../src/kernel';

const fieldSpecSchema = z
  .object({
    /** Header spellings, matched ignoring case, accents, spaces and underscores. */
    names: z.array(z.string().min(1)).optional(),
    /** 1-based column position, for files without a header. */
    position: z.number().int().positive().optional(),
    /** Fixed value when this layout has no column for the field (e.g. the ARL file is all RIESGOS_LABORALES). */
    constant: z.string().optional(),
  })
  .strict();

export const layoutSchema = z
  .object({
    id: z.string().min(1),
    source: z.enum(SOURCE_NAMES),
    title: z.string().min(1),
    notes: z.string().optional(),
    /** `required`: first line is a header; `none`: positions only; `auto`: header when the first line looks like one. */
    header: z.enum(['required', 'none', 'auto']),
    /** Candidate delimiters, in order of preference, detected on the first lines. */
    delimiters: z.array(z.string().length(1)).min(1),
    /** Exact number of columns of a headerless file. */
    columnCount: z.number().int().positive().optional(),
    fields: z.record(z.string(), fieldSpecSchema),
    /** Canonical fields that must be present in the file (else the file is rejected). */
    requiredFields: z.array(z.string()).default([]),
    /** Groups of which at least one field must be present (e.g. `clasificacion` or `ind_nivel_sisben_4`). */
    requiredAnyOf: z.array(z.array(z.string()).min(1)).default([]),
    /** Code lists: field → (source value → hub value); keys matched upper-case without accents. */
    codes: z.record(z.string(), z.record(z.string(), z.string())).default({}),
    /** Which document-type coding the file uses. */
    documentCodes: z.enum(['sisben', 'sispro', 'ruv']).optional(),
  })
  .strict()
  .superRefine((l, ctx) => {
    for (const k of [...l.requiredFields, ...l.requiredAnyOf.flat()]) {
      if (!l.fields[k]) ctx.addIssue({ code: 'custom', message: `required field "${k}" is not defined in fields` });
    }
    if (l.header === 'none' || l.header === 'auto') {
      if (!l.columnCount) ctx.addIssue({ code: 'custom', message: 'a layout that may have no header needs columnCount' });
      for (const [k, f] of Object.entries(l.fields)) {
        if (f.position === undefined && f.constant === undefined)
          ctx.addIssue({ code: 'custom', message: `field "${k}" needs a position (files without header)` });
        if (f.position !== undefined && l.columnCount && f.position > l.columnCount)
          ctx.addIssue({ code: 'custom', message: `field "${k}" position exceeds columnCount` });
      }
    }
    if (l.header !== 'none') {
      for (const [k, f] of Object.entries(l.fields)) {
        if (!f.names?.length && f.constant === undefined) ctx.addIssue({ code: 'custom', message: `field "${k}" needs header names` });
      }
    }
  });

export type Layout = z.output<typeof layoutSchema>;
export type LayoutInput = z.input<typeof layoutSchema>;
export type FieldSpec = z.output<typeof fieldSpecSchema>;

/** Validates a layout object (from code or JSON); throws with every problem listed. */
export function parseLayout(data: unknown): Layout {
  const r = layoutSchema.safeParse(data);
  if (!r.success) {
    throw new Error(`Invalid layout: ${r.error.issues.map((i) => `${i.path.join('.') || '(layout)'}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}

/** Header-name key: lower case, no accents, letters and digits only (`Fec_Nacimiento` → `fecnacimiento`). */
export function headerKey(name: string): string {
  return foldAccents(name.trim())
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Code-list key: upper case, no accents, single spaces. */
export function codeKey(value: string): string {
  let k = codeKeys.get(value);
  if (k === undefined) {
    k = foldAccents(value)
      .toUpperCase()
      .replace(/[\s_]+/g, ' ')
      .trim();
    if (codeKeys.size > 10_000) codeKeys.clear();
    codeKeys.set(value, k);
  }
  return k;
}
// Coded columns hold few distinct values: memoize their keys (bounded).
const codeKeys = new Map<string, string>();

/** Where each canonical field is in one particular file. */
export interface ColumnMap {
  /** Column index (0-based) per canonical field; absent when the file has no such column. */
  index: Record<string, number>;
  /** Constant values from the layout for fields without a column. */
  constants: Record<string, string>;
  /** Name to show in row issues for each canonical field (the file's own header spelling). */
  label: Record<string, string>;
  columnCount: number;
  hasHeader: boolean;
}

/** Fraction of a layout's header-named fields found in a candidate header line. */
export function headerMatch(layout: Layout, cells: readonly string[]): { matched: number; ratio: number } {
  const keys = new Set(cells.map(headerKey));
  let matched = 0;
  let total = 0;
  for (const f of Object.values(layout.fields)) {
    if (!f.names?.length) continue;
    total++;
    if (f.names.some((n) => keys.has(headerKey(n)))) matched++;
  }
  return { matched, ratio: total ? matched / total : 0 };
}

/**
 * Content confidence that a header line belongs to this layout: high only when every required field
 * (and one of each required group) is present, so that a file sharing generic names (primer_apellido,
 * sexo…) with another source does not pass for it.
 */
export function headerScore(layout: Layout, cells: readonly string[]): number {
  const keys = new Set(cells.map(headerKey));
  const has = (k: string) => {
    const f = layout.fields[k];
    return f?.constant !== undefined || !!f?.names?.some((n) => keys.has(headerKey(n)));
  };
  const req = layout.requiredFields.filter(has).length;
  const groups = layout.requiredAnyOf.filter((g) => g.some(has)).length;
  const total = layout.requiredFields.length + layout.requiredAnyOf.length;
  const { ratio } = headerMatch(layout, cells);
  if (total > 0 && req + groups === total) return 0.7 + 0.3 * ratio;
  if (total > 0 && (req + groups) * 2 >= total) return 0.4 * ratio;
  return 0;
}

/** Resolves the layout against the file's header (or positions); throws when required columns are missing. */
export function resolveColumns(layout: Layout, header: readonly string[] | null, columnCount: number): ColumnMap {
  const index: Record<string, number> = {};
  const constants: Record<string, string> = {};
  const label: Record<string, string> = {};
  const keys = header?.map(headerKey);
  for (const [name, spec] of Object.entries(layout.fields)) {
    let at = -1;
    if (keys) {
      const aliases = (spec.names ?? []).map(headerKey);
      // A header may repeat a name (BDUA has CND_AFL_FECHA_INICIO twice): the layout position decides.
      if (spec.position !== undefined && aliases.includes(keys[spec.position - 1])) at = spec.position - 1;
      for (let k = 0; at < 0 && k < aliases.length; k++) at = keys.indexOf(aliases[k]);
    } else if (spec.position !== undefined) {
      at = spec.position - 1;
    }
    if (at >= 0) {
      index[name] = at;
      label[name] = header ? header[at].trim() : (spec.names?.[0] ?? name);
    } else if (spec.constant !== undefined) {
      constants[name] = spec.constant;
      label[name] = spec.names?.[0] ?? name;
    } else {
      label[name] = spec.names?.[0] ?? name;
    }
  }
  const has = (k: string) => k in index || k in constants;
  const nameOf = (k: string) => layout.fields[k]?.names?.[0] ?? k;
  const names = layout.requiredFields.filter((k) => !has(k)).map(nameOf);
  for (const group of layout.requiredAnyOf) {
    if (!group.some(has)) names.push(group.map(nameOf).join(' or '));
  }
  if (names.length) {
    throw new FileFormatError('MISSING_COLUMNS', `The ${header ? 'header' : 'layout'} lacks required column(s): ${names.join(', ')} (layout ${layout.id}).`, 1);
  }
  return { index, constants, label, columnCount, hasHeader: header !== null };
}
