import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../shared/graph/errors.js';
import {
  EnergyUnit,
  ReadingRange,
  Resolution,
  TimeSeriesReader,
  type ReadingsSource,
  type TimeSeriesResult,
} from '../shared/time/index.js';
import type { EnerkeyClient } from '../subgraphs/enerkey/client.js';
import { enerkeyReadings } from '../subgraphs/enerkey/readings.js';
import { parseHistoryFile, type IntellimeterClient } from '../subgraphs/intellimeter/client.js';
import { intellimeterReadings } from '../subgraphs/intellimeter/readings.js';
import type { OpenvoltClient } from '../subgraphs/openvolt/client.js';
import type { OpenvoltGranularity } from '../subgraphs/openvolt/contract.js';
import { openvoltReadings } from '../subgraphs/openvolt/readings.js';
import type { UmeterClient } from '../subgraphs/umeter/client.js';
import type { MeasurementRoute } from '../subgraphs/umeter/contract.js';
import { parseMeasurements } from '../subgraphs/umeter/measurements.js';
import { umeterReadings } from '../subgraphs/umeter/readings.js';
import * as oracle from './support/time-oracle.js';

/**
 * Property tests of every provider's readings contract through the kit's pipeline, against an oracle
 * that shares neither the pipeline's bucket arithmetic nor its date library (test/support/time-oracle.ts
 * asks Intl). Each provider is served by a fake connector that answers from synthetic energy, writes
 * zone-less stamps (UMeter, Intellimeter) by Intl's wall clock, reads them back with the real parsers,
 * and, like the UMeter of old, also answers for intervals that have not ended.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ZONES = [
  'Europe/London',
  'Europe/Amsterdam',
  'America/Toronto',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'America/Santiago',
];
/** UTC too: there Openvolt's day, week, month and year rows nest in every calendar bucket. */
const REQUEST_ZONES = [...ZONES, 'UTC'];
const AMSTERDAM = 'Europe/Amsterdam';

// Synthetic energy: every 5-minute slot holds 1 to 7 Wh in a fixed pattern, so sums are exact in Wh.
const SLOT = 5 * MINUTE;
const slotWh = (k: number) => 1 + (((k % 7) + 7) % 7);
/** Energy (kWh) of [fromMs, toMs), both on the 5-minute grid. */
function energyKwh(fromMs: number, toMs: number): number {
  const first = fromMs / SLOT;
  const count = (toMs - fromMs) / SLOT;
  let wh = Math.floor(count / 7) * 28;
  for (let j = 0; j < count % 7; j++) wh += slotWh(first + j);
  return wh / 1000;
}
/** A native interval the provider has no data for: about one in 293. */
const isGap = (startMs: number) => (Math.imul(startMs / MINUTE, 0x9e3779b1) >>> 0) % 293 === 0;
const anyGap = (fromMs: number, toMs: number, stepMs: number) => {
  for (let t = fromMs; t < toMs; t += stepMs) if (isGap(t)) return true;
  return false;
};

/** The next UTC calendar period start after `ms` (a period start), zone-free. */
function nextUtcPeriod(ms: number, granularity: OpenvoltGranularity): number {
  const date = new Date(ms);
  const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()];
  if (granularity === 'day') return Date.UTC(y, m, d + 1);
  if (granularity === 'week') return Date.UTC(y, m, d + 7);
  if (granularity === 'month') return Date.UTC(y, m + 1, 1);
  return Date.UTC(y + 1, 0, 1);
}

const openvolt = {
  async intervalData(_meter: unknown, granularity: OpenvoltGranularity, { from, to }: { from: Date; to: Date }) {
    const rows: Array<{ start: Date; kwh: number }> = [];
    const step = (start: number) => (granularity === 'hh' ? start + 30 * MINUTE : nextUtcPeriod(start, granularity));
    for (let start = from.getTime(); start < to.getTime(); start = step(start)) {
      // Like the simulator: a row holding a missing half hour is left out.
      if (!anyGap(start, step(start), 30 * MINUTE)) rows.push({ start: new Date(start), kwh: energyKwh(start, step(start)) });
    }
    return { granularity, rows };
  },
} as unknown as OpenvoltClient;

const umeter = {
  async measurements(route: MeasurementRoute, period: string, eans: string[], keys: string[]) {
    const [year, month, day] = [+period.slice(0, 4), +(period.slice(4, 6) || 1), +(period.slice(6, 8) || 1)];
    const first = oracle.civilDay(year, month, day);
    const starts: number[] = [];
    if (route === 'date') {
      for (let t = oracle.localDayStart(AMSTERDAM, first); t < oracle.localDayStart(AMSTERDAM, first + 1); t += 15 * MINUTE) starts.push(t);
      starts.push(oracle.localDayStart(AMSTERDAM, first + 1));
    } else {
      const inPeriod = (d: number) => (route === 'month' ? oracle.civilDate(d).month === month : oracle.civilDate(d).year === year);
      for (let d = first; inPeriod(d); d++) {
        if (route === 'month' || oracle.civilDate(d).day === 1) starts.push(oracle.localDayStart(AMSTERDAM, d));
      }
      starts.push(
        route === 'month'
          ? oracle.localDayStart(AMSTERDAM, oracle.civilDay(year, month + 1, 1))
          : oracle.localDayStart(AMSTERDAM, oracle.civilDay(year + 1, 1, 1)),
      );
    }
    const values = starts.slice(0, -1).map((start, i) => ({
      timestamp: oracle.wallText(AMSTERDAM, start),
      value: anyGap(start, starts[i + 1]!, 15 * MINUTE) ? null : energyKwh(start, starts[i + 1]!),
    }));
    const body = {
      meteringPoints: eans.map((ean) => ({
        meteringPointId: ean,
        measurements: keys.map((measKey) => ({ measKey, unit: 'kWh', values })),
      })),
    };
    return parseMeasurements(body);
  },
} as unknown as UmeterClient;

const enerkey = {
  async values(_kind: string, ids: number[], from: Date, to: Date) {
    const values: Array<{ timestamp: Date; value: number }> = [];
    for (let t = from.getTime(); t < to.getTime(); t += HOUR)
      if (!isGap(t)) values.push({ timestamp: new Date(t), value: energyKwh(t, t + HOUR) });
    return ids.map((meterId) => ({ meterId, quantityId: 1, unit: 'kWh', values }));
  },
} as unknown as EnerkeyClient;

/** A cumulative register near 28,540 kWh that restarts from zero at `resetMs` (if given). */
function register(ms: number, resetMs: number | null): number {
  const epoch = Date.UTC(2020, 0, 1);
  const kwh = resetMs !== null && ms >= resetMs ? energyKwh(resetMs, ms) : 28540.24 + energyKwh(epoch, ms);
  return Math.round(kwh * 1000) / 1000;
}

/** Intl's wall clock is slow enough to matter across runs that revisit the same days: ask once per instant. */
const walls = new Map<string, string>();
function wallStamp(zone: string, ms: number): string {
  const key = `${zone}|${ms}`;
  let text = walls.get(key);
  if (text === undefined) walls.set(key, (text = oracle.wallText(zone, ms, ' ')));
  return text;
}

function intellimeter(zone: string, resetMs: number | null) {
  return {
    async history(firstDay: string, lastDay: string) {
      const day = (text: string) => oracle.civilDay(+text.slice(0, 4), +text.slice(5, 7), +text.slice(8, 10));
      const lines = ['MeterParam,TimeStamping,value'];
      for (let t = oracle.localDayStart(zone, day(firstDay)); t < oracle.localDayStart(zone, day(lastDay) + 1); t += SLOT) {
        lines.push(`meter1,${wallStamp(zone, t)},${register(t, resetMs)}`);
      }
      return parseHistoryFile('csv', lines.join('\n'), zone);
    },
  } as unknown as IntellimeterClient;
}

interface Provider {
  nativeResolution: Resolution;
  nativeMs: number;
  /** Whether the fake leaves native intervals out (registers are read without a gap). */
  gaps: boolean;
  /** Every range up to this many days must be served (when its buckets line up); none beyond `maxSpanDays`. */
  minSpanDays: number;
  maxSpanDays: number;
  series(range: ReadingRange, nowMs: number, resetMs: number | null): Promise<TimeSeriesResult>;
}

function reader<M>(source: ReadingsSource<M>, meter: M) {
  return (range: ReadingRange, nowMs: number) => new TimeSeriesReader(source, () => nowMs).series(meter, range);
}

const PROVIDERS: Record<string, Provider> = {
  openvolt: {
    gaps: true,
    nativeResolution: Resolution.HALF_HOUR,
    nativeMs: 30 * MINUTE,
    minSpanDays: 366,
    maxSpanDays: 366,
    series: reader(openvoltReadings(openvolt, 'UTC'), 'meter'),
  },
  umeter: {
    gaps: true,
    nativeResolution: Resolution.QUARTER_HOUR,
    nativeMs: 15 * MINUTE,
    minSpanDays: 31,
    maxSpanDays: 3660,
    series: reader(umeterReadings(umeter), { ean: '871687120000000011', measKey: 'import' as const }),
  },
  enerkey: {
    gaps: true,
    nativeResolution: Resolution.HOUR,
    nativeMs: HOUR,
    minSpanDays: 366,
    maxSpanDays: 366,
    series: reader(enerkeyReadings(enerkey), { id: 20001, unit: EnergyUnit.KWH }),
  },
  intellimeter: {
    gaps: false,
    nativeResolution: Resolution.FIVE_MINUTES,
    nativeMs: SLOT,
    minSpanDays: 90,
    maxSpanDays: 90,
    series: (range, nowMs, resetMs) =>
      new TimeSeriesReader(intellimeterReadings(intellimeter(range.timeZone, resetMs), range.timeZone), () => nowMs).series(
        'meter1',
        range,
      ),
  },
};

const RESOLUTIONS = Object.values(Resolution);
const rank = (resolution: Resolution) => RESOLUTIONS.indexOf(resolution);

/** The days on which each zone's offset changes, 2024–2029: the DST days of six years. */
const CHANGES = Object.fromEntries(REQUEST_ZONES.map((zone) => [zone, oracle.offsetChanges(zone, 2024, 2029)]));

/** How long a generated range may be at each resolution, in minutes. */
const SPAN_MINUTES: Record<Resolution, [number, number]> = {
  FIVE_MINUTES: [5, 36 * 60],
  QUARTER_HOUR: [15, 72 * 60],
  HALF_HOUR: [30, 72 * 60],
  HOUR: [60, 72 * 60],
  DAY: [24 * 60, 12 * 24 * 60],
  WEEK: [7 * 24 * 60, 6 * 7 * 24 * 60],
  MONTH: [28 * 24 * 60, 120 * 24 * 60],
  YEAR: [300 * 24 * 60, 370 * 24 * 60],
};

/** A request around a DST change (or any day of a zone without one), with `now` somewhere near it. */
const requests = fc
  .record({
    provider: fc.constantFrom(...Object.keys(PROVIDERS)),
    zone: fc.constantFrom(...REQUEST_ZONES),
    resolution: fc.constantFrom(...RESOLUTIONS),
    pick: fc.nat(),
    anyDay: fc.integer({ min: oracle.civilDay(2024, 1, 1), max: oracle.civilDay(2029, 12, 31) }),
    lead: fc.double({ min: 0, max: 1, noNaN: true }),
    spanShare: fc.double({ min: 0, max: 1, noNaN: true }),
    jitterFrom: fc.integer({ min: 0, max: 59 }),
    jitterTo: fc.integer({ min: 0, max: 59 }),
    nowShare: fc.double({ min: -0.2, max: 1.2, noNaN: true }),
  })
  .map(({ provider, zone, resolution, pick, anyDay, lead, spanShare, jitterFrom, jitterTo, nowShare }) => {
    const changes = CHANGES[zone]!;
    const anchor = changes.length > 0 ? changes[pick % changes.length]! : anyDay * DAY;
    const [shortest, longest] = SPAN_MINUTES[resolution];
    const spanMs = Math.round(shortest + spanShare * (longest - shortest)) * MINUTE;
    const fromMs = Math.floor((anchor - lead * spanMs) / MINUTE) * MINUTE + jitterFrom * MINUTE;
    const toMs = fromMs + spanMs + jitterTo * MINUTE;
    return { provider, zone, resolution, fromMs, toMs, nowMs: Math.round(fromMs + nowShare * (toMs - fromMs)) };
  });

type Request = typeof requests extends fc.Arbitrary<infer T> ? T : never;

function rangeOf({ fromMs, toMs, resolution, zone }: Pick<Request, 'fromMs' | 'toMs' | 'resolution' | 'zone'>): ReadingRange {
  return Object.assign(new ReadingRange(), {
    from: new Date(fromMs),
    to: new Date(toMs),
    resolution,
    timeZone: zone,
    unit: EnergyUnit.KWH,
  });
}

async function outcome(promise: Promise<TimeSeriesResult>): Promise<TimeSeriesResult | BadUserInputError> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof BadUserInputError) return error;
    throw error;
  }
}

describe('time series against an independent oracle', () => {
  it('every provider, every resolution, around the DST changes of six years in seven zones', async () => {
    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        const provider = PROVIDERS[request.provider]!;
        const { zone, resolution, nowMs } = request;
        const answer = await outcome(provider.series(rangeOf(request), nowMs, null));

        // A resolution finer than the provider records is refused.
        if (rank(resolution) < rank(provider.nativeResolution)) {
          expect(answer).toBeInstanceOf(BadUserInputError);
          return;
        }
        const boundaries = oracle.bucketBoundaries(zone, resolution, request.fromMs, request.toMs);
        const spanDays = (boundaries.at(-1)! - boundaries[0]!) / DAY;
        if (spanDays > provider.maxSpanDays + 0.1) {
          expect(answer).toBeInstanceOf(BadUserInputError);
          return;
        }
        // Buckets that would split one of the provider's rows are refused (half hours at DAY in Asia/Kathmandu).
        if (boundaries.some((ms) => ms % provider.nativeMs !== 0)) {
          expect(answer).toBeInstanceOf(BadUserInputError);
          expect((answer as BadUserInputError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'range.timeZone' });
          return;
        }
        if (answer instanceof BadUserInputError) {
          // Between the provider's strictest and loosest limits (UMeter asked outside Dutch days) a refusal may be right.
          expect(spanDays, answer.message).toBeGreaterThan(provider.minSpanDays - 0.1);
          expect(answer.extensions.maxSpanDays).toBeDefined();
          return;
        }

        // Bucket count, contiguity and local alignment: exactly the oracle's buckets.
        const starts = answer.starts.map((start) => start.getTime());
        expect(starts).toEqual(boundaries.slice(0, -1));
        expect(answer.to.getTime()).toBe(boundaries.at(-1));
        expect(answer.readings.map((reading) => reading.end.getTime())).toEqual(boundaries.slice(1));
        for (const start of starts) expect(oracle.isBucketStart(zone, resolution, start)).toBe(true);

        // Each bucket is the sum of the provider's native readings in it; a gap or an unended bucket is MISSING.
        const expected = boundaries.slice(0, -1).map((start, i) => {
          const end = boundaries[i + 1]!;
          return end > nowMs || (provider.gaps && anyGap(start, end, provider.nativeMs)) ? null : energyKwh(start, end);
        });
        expect(answer.values.map((value) => (value === null ? null : Math.round(value * 1000)))).toEqual(
          expected.map((value) => (value === null ? null : Math.round(value * 1000))),
        );
        expect(answer.readings.map((reading) => reading.quality)).toEqual(
          expected.map((value) => (value === null ? 'MISSING' : 'MEASURED')),
        );
        // No value after now.
        for (const reading of answer.readings) if (reading.end.getTime() > nowMs) expect(reading.value).toBeNull();
        // Total = sum; missing counts the nulls.
        const sum = answer.values.reduce<number>((total, value) => total + (value ?? 0), 0);
        expect(answer.total).toBeCloseTo(sum, 6);
        expect(answer.missing).toBe(expected.filter((value) => value === null).length);
      }),
      { numRuns: 150 },
    );
  });

  it('half hours at DAY in Asia/Kathmandu (+05:45) are refused as BAD_USER_INPUT, on any day', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: oracle.civilDay(2024, 1, 1), max: oracle.civilDay(2029, 12, 31) }), async (day) => {
        const range = rangeOf({ fromMs: day * DAY, toMs: (day + 1) * DAY, resolution: Resolution.DAY, zone: 'Asia/Kathmandu' });
        const answer = await outcome(PROVIDERS.openvolt!.series(range, Date.UTC(2030, 0, 1), null));
        expect(answer).toBeInstanceOf(BadUserInputError);
      }),
      { numRuns: 12 },
    );
  });

  it('register differencing: never negative, a reset flagged once and ESTIMATED, the repeated hour never flagged', async () => {
    const fallBacks = ZONES.flatMap((zone) =>
      CHANGES[zone]!.filter((change) => oracle.offsetAt(zone, change + 2 * DAY) < oracle.offsetAt(zone, change - DAY)).map((change) => ({
        zone,
        change,
      })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fallBacks),
        fc.option(fc.integer({ min: 1, max: 3 * 288 - 1 })),
        async ({ zone, change }, resetSlot) => {
          // Three local days around the fall-back: the repeated hour is read twice, in order.
          const firstDay = oracle.localDayAt(zone, change) - 1;
          const fromMs = oracle.localDayStart(zone, firstDay);
          const toMs = oracle.localDayStart(zone, firstDay + 3);
          const resetMs = resetSlot === null ? null : fromMs + resetSlot * SLOT;
          const range = rangeOf({ fromMs, toMs, resolution: Resolution.FIVE_MINUTES, zone });
          const source = intellimeterReadings(intellimeter(zone, resetMs), zone);
          const reader = new TimeSeriesReader(source, () => Date.UTC(2030, 0, 1));
          const [series, resets] = await Promise.all([reader.series('meter1', range), reader.registerResets('meter1', range)]);
          expect(series.count).toBe((toMs - fromMs) / SLOT);
          expect(series.missing).toBe(0);
          expect(series.values.every((value) => value !== null && value >= 0)).toBe(true);
          expect(resets.map((reset) => reset.endMs)).toEqual(resetMs === null ? [] : [resetMs]);
          const estimated = series.readings.filter((reading) => reading.quality === 'ESTIMATED').map((reading) => reading.end.getTime());
          expect(estimated).toEqual(resetMs === null ? [] : [resetMs]);
        },
      ),
      { numRuns: 12 },
    );
  });
});
