import { describe, expect, it } from 'vitest';
import { groupBy, mergeWindows, oncePerArguments, perKeyLoader } from './batching.js';

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

describe('perKeyLoader', () => {
  it('makes one call per distinct key and fails only the key whose call failed', async () => {
    const calls: string[] = [];
    const loader = perKeyLoader(async (key: string) => {
      calls.push(key);
      if (key === 'bad') throw new Error('no such thing');
      return key.toUpperCase();
    });
    const results = await Promise.allSettled([loader.load('a'), loader.load('bad'), loader.load('a'), loader.load('b')]);
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : result.reason.message))).toEqual([
      'A',
      'no such thing',
      'A',
      'B',
    ]);
    expect(calls).toEqual(['a', 'bad', 'b']);
  });
});

describe('oncePerArguments', () => {
  it('calls once per distinct arguments value, comparing by value, also for calls made later', async () => {
    const calls: unknown[] = [];
    const listMeters = oncePerArguments(async (args: { page: number; customer?: string }) => {
      calls.push(args);
      return [`page ${args.page} of ${args.customer ?? 'all'}`];
    });
    const [a, b, c] = await Promise.all([listMeters({ page: 1 }), listMeters({ page: 1 }), listMeters({ page: 1, customer: 'x' })]);
    expect(a).toEqual(['page 1 of all']);
    expect(b).toBe(a);
    expect(c).toEqual(['page 1 of x']);
    expect(await listMeters({ page: 1, customer: undefined })).toBe(a);
    expect(calls).toEqual([{ page: 1 }, { page: 1, customer: 'x' }]);
  });
});
