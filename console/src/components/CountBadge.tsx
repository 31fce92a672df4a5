/** A count that may be a lower bound (more pages exist): "20+" rather than a wrong total. */
export function countLabel(n: number, more: boolean) {
  return more ? `${n}+` : String(n);
}
