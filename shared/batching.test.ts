import { describe, expect, it } from 'vitest';
import { groupBy, mergeWindows } from './batching.js';

describe('batching helpers', () => {
  it('groups keys by what one upstream call serves, keeping order', () => {
    const groups = groupBy(
      [
        { m: 'a', n: 1 },
        { m: 'b', n: 2 },
        { m: 'a', n: 3 },
      ],
      (key) => key.m,
    );
    expect([...groups.entries()]).toEqual([
      [
        'a',
        [
          { m: 'a', n: 1 },
          { m: 'a', n: 3 },
        ],
      ],
      ['b', [{ m: 'b', n: 2 }]],
    ]);
  });

  it('merges overlapping and touching windows but keeps distant ones apart', () => {
    expect(
      mergeWindows([
        { from: 10, to: 20 },
        { from: 0, to: 5 },
        { from: 15, to: 30 },
        { from: 30, to: 40 },
        { from: 100, to: 110 },
      ]),
    ).toEqual([
      { from: 0, to: 5 },
      { from: 10, to: 40 },
      { from: 100, to: 110 },
    ]);
    const input = [{ from: 0, to: 10 }];
    mergeWindows([...input, { from: 5, to: 20 }]);
    expect(input).toEqual([{ from: 0, to: 10 }]); // inputs are not mutated
  });
});
