import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { describeErrors } from './operations.js';
import { startStack, type TestStack } from './stack.js';

/** The simulators whose providers keep readings: the ones a merged answer asks. */
export const READING_SIMULATORS = ['openvolt', 'umeter', 'enerkey', 'intellimeter'];

/** 2 to 4 November 2026 by Dutch day. */
export const DAYS = { from: '2026-11-02T00:00:00+01:00', to: '2026-11-05T00:00:00+01:00', resolution: 'DAY', timeZone: 'Europe/Amsterdam' };

/**
 * A document asking every reading provider's own field for its consumption at each metering point, as a
 * client would without the composite (variable `$range`): what the merged answers must not cost more than.
 */
export function providerPartsQuery(meteringPointIds: readonly string[]): string {
  const points = meteringPointIds.map((id, index) => `p${index}: meteringPoint(id: "${id}") { ...Parts }`).join('\n  ');
  return `query Parts($range: ReadingRange!) {
  ${points}
}
fragment Parts on MeteringPoint {
  openvoltMeters { consumption(range: $range) { total } }
  umeterConnection { consumption(range: $range) { total } }
  enerkeyMeters { consumption(range: $range) { total } }
  intellimeterPoints { consumption(range: $range) { total } }
}`;
}

export interface MeteringStack {
  readonly stack: TestStack;
  /** The data of a document that must answer without errors. */
  ok<T = Record<string, any>>(document: string, variables?: Record<string, unknown>): Promise<T>;
  /** Upstream calls each reading provider's simulator served while `work` ran. */
  upstreamCalls(work: () => Promise<unknown>): Promise<Record<string, number>>;
}

/**
 * A started stack for the metering composite's tests (issue 24), registered with the file's hooks:
 * started before its tests, stopped after, and every reading simulator healed after each test. The
 * history cache is off: these tests compare the upstream calls of two ways of asking the same past, and
 * the cache would answer the second from the first.
 */
export function meteringStack(): MeteringStack {
  let stack: TestStack | undefined;
  beforeAll(async () => {
    stack = await startStack({ HISTORY_CACHE_MAX_MB: '0' });
  });
  afterAll(async () => {
    await stack?.stop();
  });
  afterEach(() => {
    for (const name of READING_SIMULATORS) stack?.simulator(name).setFaults({ errorRate: 0 });
  });
  const started = () => {
    if (!stack) throw new Error('The metering stack is used before it started (outside a test).');
    return stack;
  };
  return {
    get stack() {
      return started();
    },
    async ok(document, variables) {
      const { data, errors } = await started().query(document, variables);
      expect(describeErrors(errors)).toEqual([]);
      return data as any;
    },
    async upstreamCalls(work) {
      for (const name of READING_SIMULATORS) started().simulator(name).reset();
      await work();
      return Object.fromEntries(READING_SIMULATORS.map((name) => [name, started().simulator(name).stats().total]));
    },
  };
}
