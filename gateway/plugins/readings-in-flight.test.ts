import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReadingsGate } from './readings-in-flight.js';

/** The budget of readings in flight: who waits, in which order, and that nothing is lost. */

/** Lets every settled promise's callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ReadingsGate', () => {
  it('lets operations through while their readings fit, and the next one when readings are given back', async () => {
    const gate = new ReadingsGate(100);
    const started: string[] = [];
    const first = gate.take(60).then((taken) => (started.push('first'), taken));
    const second = gate.take(60).then((taken) => (started.push('second'), taken));
    await settle();
    expect(started).toEqual(['first']);
    expect(gate.operationsWaiting).toBe(1);
    gate.giveBack(await first);
    await settle();
    expect(started).toEqual(['first', 'second']);
    gate.giveBack(await second);
    expect(gate.readingsInFlight).toBe(0);
  });

  it('serves in arrival order: a small operation does not overtake a large one that waits', async () => {
    const gate = new ReadingsGate(100);
    const started: string[] = [];
    const running = await gate.take(50);
    void gate.take(100).then(() => started.push('large'));
    void gate.take(10).then(() => started.push('small'));
    await settle();
    expect(started).toEqual([]);
    gate.giveBack(running);
    await settle();
    expect(started).toEqual(['large']);
  });

  it('lets one operation larger than the whole budget through alone', async () => {
    const gate = new ReadingsGate(100);
    expect(await gate.take(1_000)).toBe(100);
    expect(gate.readingsInFlight).toBe(100);
  });

  it('never holds more than its budget, and serves every operation once all give back', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000 }),
        fc.array(fc.integer({ min: 1, max: 2_000 }), { maxLength: 30 }),
        async (budget, sizes) => {
          const gate = new ReadingsGate(budget);
          let served = 0;
          let mostInFlight = 0;
          const operations = sizes.map(async (readings) => {
            const taken = await gate.take(readings);
            served += 1;
            mostInFlight = Math.max(mostInFlight, gate.readingsInFlight);
            await settle();
            gate.giveBack(taken);
          });
          await Promise.all(operations);
          expect(served).toBe(sizes.length);
          expect(mostInFlight).toBeLessThanOrEqual(budget);
          expect(gate.readingsInFlight).toBe(0);
        },
      ),
      { numRuns: 50 },
    );
  });
});
