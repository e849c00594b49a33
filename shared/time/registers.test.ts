import { describe, expect, it } from 'vitest';
import { differenceRegisters } from './registers.js';
import { ReadingQuality } from './types.js';

describe('differencing cumulative registers', () => {
  const at = (minute: number) => Date.UTC(2026, 10, 3, 12, minute);

  it('turns registers 5 minutes apart into interval energy, flags a drop as a reset, and leaves gaps uncovered', () => {
    const { intervals, resets } = differenceRegisters(
      [
        { at: at(10), value: 100.5 },
        { at: at(0), value: 100 },
        { at: at(5), value: 100.25 },
        { at: at(15), value: 2 }, // the meter was replaced: the register restarted
        { at: at(15), value: 2 }, // the same reading twice (two files overlap): counted once
        { at: at(30), value: 4 }, // 15 minutes later: no interval can be computed
      ],
      5 * 60_000,
    );
    expect(intervals).toEqual([
      { startMs: at(0), endMs: at(5), value: 0.25, quality: ReadingQuality.MEASURED },
      { startMs: at(5), endMs: at(10), value: 0.25, quality: ReadingQuality.MEASURED },
      { startMs: at(10), endMs: at(15), value: 2, quality: ReadingQuality.ESTIMATED },
    ]);
    expect(resets).toEqual([{ startMs: at(10), endMs: at(15), before: 100.5, after: 2 }]);
  });

  it('keeps binary noise out of a difference: registers carry three decimals, so does their step', () => {
    const { intervals } = differenceRegisters(
      [
        { at: at(0), value: 28540.24 },
        { at: at(5), value: 28540.245 },
      ],
      5 * 60_000,
    );
    expect(intervals[0]!.value).toBe(0.005);
  });
});
