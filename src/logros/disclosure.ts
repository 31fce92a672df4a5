/**
 * Statistical disclosure control of aggregate counts (pure). A reader never gets a count between 1
 * and threshold − 1: it comes back suppressed (no value). Zero is published: it discloses nobody, and
 * hiding it would hide where demand does not exist. Cells that add up to a published total get a
 * secondary suppression, so a single hidden cell cannot be recovered by subtraction.
 */
export interface Disclosed {
  /** null when suppressed. */
  value: number | null;
  suppressed: boolean;
}

export const exact = (n: number): Disclosed => ({ value: n, suppressed: false });
export const hidden = (): Disclosed => ({ value: null, suppressed: true });

/** Primary suppression: 0 < n < threshold. `threshold` null: exact figures (stewards, admins). */
export function isSensitive(n: number, threshold: number | null): boolean {
  return threshold != null && n > 0 && n < threshold;
}

/**
 * Which cells of a partition to suppress. Primary cells first; then, when the total is published and
 * exactly one cell is hidden, the smallest other non-zero cell too (two unknowns, one equation).
 */
export function suppressPartition(cells: readonly number[], threshold: number | null, totalPublished: boolean): boolean[] {
  const out = cells.map((n) => isSensitive(n, threshold));
  if (threshold == null || !totalPublished) return out;
  let sensitive = 0;
  for (const h of out) if (h) sensitive++;
  if (sensitive !== 1) return out;
  let pick = -1;
  cells.forEach((n, i) => {
    if (!out[i] && n > 0 && (pick < 0 || n < cells[pick])) pick = i;
  });
  if (pick >= 0) out[pick] = true;
  return out;
}

export function discloseAll(cells: readonly number[], suppressed: readonly boolean[]): Disclosed[] {
  return cells.map((n, i) => (suppressed[i] ? hidden() : exact(n)));
}

/** One count on its own (no published total it belongs to). */
export function disclose(n: number, threshold: number | null): Disclosed {
  return isSensitive(n, threshold) ? hidden() : exact(n);
}
