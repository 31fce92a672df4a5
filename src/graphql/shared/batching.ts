/** Rows grouped by a key, each key's rows in their order. */
export function groupByKey<K, R>(rows: readonly R[], keyOf: (r: R) => K): Map<K, R[]> {
  const m = new Map<K, R[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/** Groups rows by a key, returning one (possibly empty) list per requested key, in key order. */
export function groupBy<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (r: R) => K): R[][] {
  const m = groupByKey(rows, keyOf);
  return keys.map((k) => m.get(k) ?? []);
}

/** One row (or null) per requested key, in key order: what a DataLoader batch function returns. */
export function byId<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (r: R) => K): (R | null)[] {
  const m = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => m.get(k) ?? null);
}
