import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';

/** The queue's filters, as the steward set them; they survive going to an item and back. */
export interface QueueFilters {
  reason: string;
  municipality: string;
  scoreBand: 'all' | 'high' | 'mid' | 'low' | 'none';
  age: 'all' | '1' | '7' | '30';
  status: 'queue' | 'OPEN' | 'DEFERRED' | 'DECIDED';
}

export const DEFAULT_FILTERS: QueueFilters = { reason: '', municipality: '', scoreBand: 'all', age: 'all', status: 'queue' };

interface QueueState {
  filters: QueueFilters;
  setFilters(f: QueueFilters): void;
  /** Item ids in the order the queue shows them (for "next item" in the review loop). */
  order: string[];
  setOrder(ids: string[]): void;
  /** Claims this session took, with their expiry (the API has no "who am I" yet). */
  mine: Record<string, string>;
  setMine(id: string, until: string | null): void;
}

const Ctx = createContext<QueueState | null>(null);

export function QueueProvider({ children }: { children: ReactNode }) {
  const [filters, setFilters] = useState(DEFAULT_FILTERS);
  const [order, setOrder] = useState<string[]>([]);
  const [mine, setMineState] = useState<Record<string, string>>({});
  const value = useMemo<QueueState>(
    () => ({
      filters,
      setFilters,
      order,
      setOrder,
      mine,
      setMine: (id, until) =>
        setMineState((m) => {
          const next = { ...m };
          if (until) next[id] = until;
          else delete next[id];
          return next;
        }),
    }),
    [filters, order, mine],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useQueueState(): QueueState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useQueueState outside QueueProvider');
  return s;
}

/** The item after `id` in the queue as last shown, if any. */
export function nextInQueue(order: string[], id: string): string | null {
  const i = order.indexOf(id);
  return i >= 0 && i + 1 < order.length ? order[i + 1] : null;
}
