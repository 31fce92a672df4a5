// talisman ships no type declarations; only the metric used here is declared.
declare module 'talisman/metrics/jaro-winkler.js' {
  /** Jaro-Winkler similarity in [0, 1] (prefix scale 0.1, boost threshold 0.7, prefix up to 4). */
  const jaroWinkler: (a: string, b: string) => number;
  export default jaroWinkler;
}
