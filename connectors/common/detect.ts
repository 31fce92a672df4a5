import type { Connector } from '../types';
import { headerScore, type Layout } from './layout';
import { splitLine } from './reader';

/**
 * `detect` for a source recognised by its header row: the best header score over the layout's
 * delimiters, with the file name (`nameHint`) only as a tie-breaker once the header matched, or as
 * a weak guess (0.5) when it did not.
 */
export function detectByHeader(layout: Layout, nameHint: RegExp): Connector['detect'] {
  return (fileName, headLines) => {
    const byName = nameHint.test(fileName) ? 0.5 : 0;
    const first = headLines.find((l) => l.trim() !== '') ?? '';
    let byContent = 0;
    for (const d of layout.delimiters) {
      if (first.includes(d)) byContent = Math.max(byContent, headerScore(layout, splitLine(first, d)));
    }
    return Math.min(1, byContent + (byContent ? byName / 10 : byName));
  };
}
