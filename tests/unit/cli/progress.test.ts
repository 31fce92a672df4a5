import { describe, expect, it } from 'vitest';
import { importPhase, remaining } from '../../../src/cli/commands/import';

/** The import's progress is reported per phase, each with its own unit (defect 7 of issue 10). */
describe('import progress phases', () => {
  it('names the phase from the run state and what was read', () => {
    expect(importPhase({ state: 'received', bytesRead: 0, fileBytes: 100 })).toBe('queued');
    expect(importPhase({ state: 'parsing', bytesRead: 40, fileBytes: 100 })).toBe('parse');
    expect(importPhase({ state: 'parsing', bytesRead: 100, fileBytes: 100 })).toBe('stage');
    expect(importPhase({ state: 'staged', bytesRead: 100, fileBytes: 100 })).toBe('apply');
    expect(importPhase({ state: 'applied', bytesRead: 100, fileBytes: 100 })).toBe('finish');
    expect(importPhase({ state: 'done', bytesRead: 100, fileBytes: 100 })).toBeNull();
  });

  it('estimates what is left from this phase only, and says nothing before there is something to go by', () => {
    expect(remaining(0, 10, 60_000)).toBe('…');
    expect(remaining(5, 10, 100)).toBe('…');
    expect(remaining(5, 10, 10_000)).toBe('10 s');
    expect(remaining(1, 10, 60_000)).toBe('9 min 0 s');
    expect(remaining(10, 10, 60_000)).toBe('0 s');
  });
});
