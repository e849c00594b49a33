import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPOT_DEPARTURES, SHARED_METERING_POINTS, inWeeklyStretch } from '../shared/simulator/index.js';
import { describeErrors } from './support/operations.js';
import { startStack, type TestStack } from './support/stack.js';

/**
 * The seeded depot (shared/simulator DEPOT_DEPARTURES) through the gateway's metering composite: Openvolt
 * and UMeter read the depot's one load, except a weekly stretch Openvolt has no data for (the merged
 * series fills it from UMeter) and a weekly stretch UMeter over-reads (the discrepancy report lists it).
 */

const { depotEan } = SHARED_METERING_POINTS;
const { openvoltGap, umeterOverRead } = DEPOT_DEPARTURES;
/** Monday 9 to Monday 16 November 2026 by Dutch day, by hour. */
const WEEK = { from: '2026-11-09T00:00:00+01:00', to: '2026-11-16T00:00:00+01:00', resolution: 'HOUR', timeZone: 'Europe/Amsterdam' };
const HOUR_MS = 3_600_000;

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function ok<T = Record<string, any>>(document: string, variables?: Record<string, unknown>): Promise<T> {
  const { data, errors } = await stack.query<T>(document, variables);
  expect(describeErrors(errors)).toEqual([]);
  return data;
}

/** The starts (ISO) of the week's hours that fall in a weekly stretch. */
function hoursIn(stretch: typeof openvoltGap): string[] {
  const starts: string[] = [];
  for (let t = Date.parse(WEEK.from); t < Date.parse(WEEK.to); t += HOUR_MS) {
    if (inWeeklyStretch(stretch, t)) starts.push(new Date(t).toISOString());
  }
  return starts;
}

const iso = (value: string) => new Date(value).toISOString();

describe('the seeded depot', () => {
  it('fills Openvolt’s weekly gap from UMeter, which measured it, and counts the filled buckets', async () => {
    const { meteringPoint } = await ok(
      `query Depot($id: ID!, $range: ReadingRange!) {
        meteringPoint(id: $id) {
          merged: consumption(range: $range) { count filled missing partial readings { start value quality source } contributions { provider missing } }
          openvolt: consumption(range: $range, sources: [OPENVOLT]) { missing readings { start quality } }
          umeter: consumption(range: $range, sources: [UMETER]) { readings { start value } }
        }
      }`,
      { id: depotEan, range: WEEK },
    );
    const gap = hoursIn(openvoltGap);
    expect(gap).toHaveLength(openvoltGap.toHour - openvoltGap.fromHour);
    const { merged, openvolt, umeter } = meteringPoint;
    expect(openvolt.readings.filter(({ quality }: any) => quality === 'MISSING').map(({ start }: any) => iso(start))).toEqual(gap);
    expect(openvolt.missing).toBe(gap.length);
    expect(merged).toMatchObject({ count: 7 * 24, filled: gap.length, missing: 0, partial: false });
    expect(merged.contributions).toEqual([
      { provider: 'OPENVOLT', missing: gap.length },
      { provider: 'UMETER', missing: 0 },
    ]);
    const umeterByStart = new Map(umeter.readings.map(({ start, value }: any) => [iso(start), value]));
    for (const reading of merged.readings) {
      const filled = gap.includes(iso(reading.start));
      expect(reading).toMatchObject({ quality: 'MEASURED', source: filled ? 'UMETER' : 'OPENVOLT' });
      if (filled) expect(reading.value).toBe(umeterByStart.get(iso(reading.start)));
    }
  });

  it('lists the weekly stretch UMeter over-reads as discrepancies, with both values, and nothing else', async () => {
    const { meteringPoint } = await ok(
      `query Disagree($id: ID!, $range: ReadingRange!) {
        meteringPoint(id: $id) {
          discrepancies(range: $range, tolerance: { relative: 0.1 }) {
            buckets { start values { provider value } relativeDifference }
            totals { provider total missing }
          }
        }
      }`,
      { id: depotEan, range: WEEK },
    );
    const report = meteringPoint.discrepancies;
    expect(report.buckets.map(({ start }: any) => iso(start))).toEqual(hoursIn(umeterOverRead));
    for (const bucket of report.buckets) {
      const [openvolt, umeter] = bucket.values;
      expect([openvolt.provider, umeter.provider]).toEqual(['OPENVOLT', 'UMETER']);
      // Each quarter hour is rounded to whole Wh: four of them are at most 2 Wh from the exact factor.
      expect(Math.abs(umeter.value - openvolt.value * umeterOverRead.factor)).toBeLessThanOrEqual(0.002);
    }
    expect(report.totals.map(({ provider, missing }: any) => [provider, missing])).toEqual([
      ['OPENVOLT', hoursIn(openvoltGap).length],
      ['UMETER', 0],
    ]);
  });
});
