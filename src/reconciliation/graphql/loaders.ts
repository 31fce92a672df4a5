import DataLoader from 'dataloader';
import { measuredPrecision, type MeasuredPrecision, type StewardVerdicts } from '../runService';

/** Per-request loaders of reconciliation runs' figures. */
export function createReconciliationLoaders(repos: { verdicts: StewardVerdicts }) {
  return {
    precisionByRun: new DataLoader<number, MeasuredPrecision>(async (ids) => {
      const rows = new Map((await repos.verdicts.auditSamples(ids)).map((r) => [r.runId, r]));
      return ids.map((id) => measuredPrecision(rows.get(id) ?? { sampled: 0, confirmed: 0, rejected: 0 }));
    }),
  };
}

export type ReconciliationLoaders = ReturnType<typeof createReconciliationLoaders>;
