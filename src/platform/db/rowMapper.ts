import { Column, SQL, getTableName, is } from 'drizzle-orm';

/** What drizzle's prepared select keeps of its selection (`orderSelectedFields`), as far as read here. */
interface SelectedField {
  path: string[];
  field: unknown;
}
interface PreparedSelect {
  fields?: SelectedField[];
  customResultMapper?: unknown;
  joinsNotNullableMap?: Record<string, boolean>;
}
type Decoder = { mapFromDriverValue(value: unknown): unknown };

const identity = Column.prototype.mapFromDriverValue;

function decoderOf(field: unknown): Decoder | undefined {
  if (is(field, Column)) return field as unknown as Decoder;
  if (is(field, SQL)) return (field as unknown as { decoder: Decoder }).decoder;
  if (is(field, SQL.Aliased)) return (field as unknown as { sql: { decoder: Decoder } }).sql.decoder;
  return undefined;
}

/**
 * Installs a row mapper compiled once per built query in place of drizzle's `mapResultRow`, which
 * on every row and column re-dispatches on the field's kind (`is()` walks the prototype chain),
 * builds the row with `reduce` and `path.entries()`, and calls the identity decoder of plain text
 * and number columns: about a tenth of a households page's Node CPU went there. The compiled mapper
 * returns the same objects (same keys in the same order, the same decoders for the values that
 * have one). It is installed only where that is certain: flat selections, or objects of one table
 * that is never made null by an outer join (`joinsNotNullableMap[table] === true`); anything else
 * keeps drizzle's mapper. Applies to built select queries (`prepare()`), on any driver.
 */
export function installCompiledRowMapper(query: unknown): void {
  const q = query as PreparedSelect | null;
  if (!q || typeof q !== 'object' || !Array.isArray(q.fields) || q.customResultMapper !== undefined || !q.fields.length) return;
  const decoders: (Decoder | null)[] = [];
  // The object literal tree, in selection order (insertion order of drizzle's reduce).
  type Tree = Map<string, number | Tree>;
  const tree: Tree = new Map();
  for (const [i, { path, field }] of q.fields.entries()) {
    const decoder = decoderOf(field);
    if (!decoder || !Array.isArray(path) || path.length < 1 || path.length > 2) return;
    if (path.length === 2) {
      // A nested object of a joined table could be nulled by drizzle: keep its mapper then.
      if (!is(field, Column) || q.joinsNotNullableMap?.[getTableName((field as Column).table)] !== true) return;
      let sub = tree.get(path[0]!);
      if (sub === undefined) tree.set(path[0]!, (sub = new Map()));
      if (typeof sub === 'number' || sub.has(path[1]!)) return;
      sub.set(path[1]!, i);
    } else {
      if (tree.has(path[0]!)) return;
      tree.set(path[0]!, i);
    }
    decoders.push(decoder.mapFromDriverValue === identity ? null : decoder);
  }
  const value = (i: number) => (decoders[i] ? `(r[${i}] === null ? null : d[${i}].mapFromDriverValue(r[${i}]))` : `r[${i}]`);
  const literal = (t: Tree): string => `{ ${[...t].map(([k, v]) => `${JSON.stringify(k)}: ${typeof v === 'number' ? value(v) : literal(v)}`).join(', ')} }`;
  // The keys come from the query's own selection (JSON-quoted); values are read by index only.
  const mapRow = new Function('d', `return (r) => (${literal(tree)});`)(decoders) as (r: unknown[]) => unknown;
  q.customResultMapper = (rows: unknown[][]) => {
    const out = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = mapRow(rows[i]!);
    return out;
  };
}
