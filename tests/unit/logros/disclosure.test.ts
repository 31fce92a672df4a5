import { describe, expect, it } from 'vitest';
import { disclose, isSensitive, suppressPartition } from '../../../src/logros/disclosure';

describe('statistical disclosure control', () => {
  it('suppresses 1 to threshold − 1, publishes zero and anything from the threshold', () => {
    expect([0, 1, 4, 5, 6].map((n) => isSensitive(n, 5))).toEqual([false, true, true, false, false]);
    expect(disclose(3, 5)).toEqual({ value: null, suppressed: true });
    expect(disclose(5, 5)).toEqual({ value: 5, suppressed: false });
    expect(disclose(0, 5)).toEqual({ value: 0, suppressed: false });
    expect(disclose(3, null)).toEqual({ value: 3, suppressed: false });
  });

  it('one hidden cell of a published total takes the smallest other non-zero cell with it', () => {
    // 3 + 9 + 20 = 32 published: hiding only the 3 would give it away (32 − 9 − 20).
    expect(suppressPartition([3, 9, 20, 0], 5, true)).toEqual([true, true, false, false]);
    // Two hidden cells already: nothing more to hide.
    expect(suppressPartition([3, 2, 20], 5, true)).toEqual([true, true, false]);
    // The total is not published: the primary cells are enough.
    expect(suppressPartition([3, 9], 5, false)).toEqual([true, false]);
    // Exact figures for stewards.
    expect(suppressPartition([3, 9], null, true)).toEqual([false, false]);
  });
});
