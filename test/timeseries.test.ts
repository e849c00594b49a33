import { gql } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_METERING_POINTS } from '../shared/simulator/index.js';
import { startStack, type TestStack } from './support/stack.js';

/**
 * Time-series rules every provider keeps, through the gateway, against a stack whose clock is injected
 * (the subgraphs' and the simulators'), so "now" is a chosen instant inside the asked range.
 */

const NOW = Date.parse('2026-11-10T10:07:00Z');

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({}, { now: () => NOW });
});
afterAll(async () => {
  await stack?.stop();
});

interface Reading {
  start: string;
  end: string;
  value: number | null;
  quality: string;
}

const READINGS = 'readings { start end value quality }';

/** Two days before now and two after, at each provider's native resolution. */
const AROUND_NOW = { from: '2026-11-08T00:00:00Z', to: '2026-11-12T00:00:00Z', timeZone: 'UTC' };

describe('nothing from the future', () => {
  it('every provider’s interval that has not ended by now is MISSING; those that have are there', async () => {
    const { data, errors } = await stack.query(
      gql`
        query AroundNow($halfHours: ReadingRange!, $quarters: ReadingRange!, $hours: ReadingRange!, $fives: ReadingRange!) {
          openvoltMeter(id: "6514167223e3d1424bf82742") { consumption(range: $halfHours) { ${READINGS} } }
          umeterConnection(ean: "${SHARED_METERING_POINTS.schoolEan}") {
            consumption(range: $quarters) { ${READINGS} }
            production(range: $quarters) { ${READINGS} }
          }
          enerkeyMeter(id: "20001") { consumption(range: $hours) { ${READINGS} } }
          intellimeterPoint(name: "meter1") { consumption(range: $fives) { ${READINGS} } }
        }
      `,
      {
        halfHours: { ...AROUND_NOW, resolution: 'HALF_HOUR' },
        quarters: { ...AROUND_NOW, resolution: 'QUARTER_HOUR' },
        hours: { ...AROUND_NOW, resolution: 'HOUR' },
        fives: { ...AROUND_NOW, resolution: 'FIVE_MINUTES' },
      },
    );
    expect(errors).toEqual([]);
    const series: Record<string, Reading[]> = {
      openvolt: data.openvoltMeter.consumption.readings,
      'umeter consumption': data.umeterConnection.consumption.readings,
      'umeter production': data.umeterConnection.production.readings,
      enerkey: data.enerkeyMeter.consumption.readings,
      intellimeter: data.intellimeterPoint.consumption.readings,
    };
    for (const [name, readings] of Object.entries(series)) {
      const ended = readings.filter((reading) => Date.parse(reading.end) <= NOW);
      const open = readings.filter((reading) => Date.parse(reading.end) > NOW);
      expect(open.length, name).toBeGreaterThan(0);
      expect(
        open.every((reading) => reading.quality === 'MISSING' && reading.value === null),
        name,
      ).toBe(true);
      // These meters have no gaps: everything up to now is measured.
      expect(ended.length, name).toBeGreaterThan(0);
      expect(
        ended.every((reading) => reading.quality === 'MEASURED'),
        name,
      ).toBe(true);
    }
  });

  it('a bucket that has begun but not ended is MISSING too: today, this month', async () => {
    const { data, errors } = await stack.query(gql`
      {
        openvoltMeter(id: "6514167223e3d1424bf82742") {
          consumption(range: { from: "2026-11-09T00:00:00Z", to: "2026-11-11T00:00:00Z", resolution: DAY }) { ${READINGS} }
        }
        umeterConnection(ean: "${SHARED_METERING_POINTS.officeEan}") {
          consumption(range: { from: "2026-10-01T00:00:00+02:00", to: "2026-12-01T00:00:00+01:00", resolution: MONTH, timeZone: "Europe/Amsterdam" }) { ${READINGS} }
        }
      }
    `);
    expect(errors).toEqual([]);
    expect(data.openvoltMeter.consumption.readings.map((reading: Reading) => reading.quality)).toEqual(['MEASURED', 'MISSING']);
    expect(data.umeterConnection.consumption.readings.map((reading: Reading) => reading.quality)).toEqual(['MEASURED', 'MISSING']);
  });

  it('a value pushed for an hour that has not ended is not read back until it has', async () => {
    const readWindow = async (): Promise<Array<[number | null, string]>> => {
      const { data, errors } = await stack.query(gql`
        {
          enerkeyMeter(id: "20001") {
            consumption(range: { from: "2026-11-10T09:00:00Z", to: "2026-11-10T13:00:00Z", resolution: HOUR }) { ${READINGS} }
          }
        }
      `);
      expect(errors).toEqual([]);
      return data.enerkeyMeter.consumption.readings.map((reading: Reading) => [reading.value, reading.quality]);
    };
    const before = await readWindow();
    const push = await stack.query(gql`
      mutation {
        pushEnerkeyConsumptions(
          meterId: "20001"
          values: [{ timestamp: "2026-11-10T09:00:00Z", value: 7.5 }, { timestamp: "2026-11-10T12:00:00Z", value: 7.5 }]
        ) {
          hoursWritten
        }
      }
    `);
    expect(push.errors).toEqual([]);
    // A push adds to what the hour holds (EnerKey's documentation); the unfinished 12:00 hour stays MISSING.
    const [ended, ...unfinished] = await readWindow();
    expect(ended![1]).toBe('MEASURED');
    expect(ended![0]).toBeCloseTo((before[0]![0] ?? 0) + 7.5, 6);
    expect(unfinished).toEqual([
      [null, 'MISSING'],
      [null, 'MISSING'],
      [null, 'MISSING'],
    ]);
  });
});

describe('every bucket placeable', () => {
  /** The wall-clock time Intl shows for an instant in a zone, "HH:mm". */
  const wallClock = (iso: string, timeZone: string) =>
    new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

  it('the compact form carries each bucket’s start: Lord Howe’s 90-minute hour is placed without zone arithmetic', async () => {
    // Australia/Lord_Howe springs forward 30 minutes on 2026-10-04 at 02:00 (+10:30 → +11:00): a 23.5-hour day.
    const timeZone = 'Australia/Lord_Howe';
    const { data, errors } = await stack.query(gql`
      {
        openvoltMeter(id: "6514167223e3d1424bf82742") {
          consumption(range: { from: "2026-10-04T00:00:00+10:30", to: "2026-10-05T00:00:00+11:00", resolution: HOUR, timeZone: "${timeZone}" }) {
            from
            to
            count
            values
            starts
            ${READINGS}
          }
        }
      }
    `);
    expect(errors).toEqual([]);
    const series = data.openvoltMeter.consumption;
    expect(series.count).toBe(23);
    expect(series.starts).toEqual(series.readings.map((reading: Reading) => reading.start));
    expect(series.values).toEqual(series.readings.map((reading: Reading) => reading.value));
    expect(series.starts[0]).toBe(series.from);
    const ends = [...series.starts.slice(1), series.to];
    expect(ends).toEqual(series.readings.map((reading: Reading) => reading.end));
    const minutes = series.starts.map((start: string, i: number) => (Date.parse(ends[i]) - Date.parse(start)) / 60_000);
    expect(minutes).toEqual([60, 90, ...Array(21).fill(60)]);
    // Every bucket starts on a local whole hour, and 02:00 does not exist that night.
    expect(series.starts.map((start: string) => wallClock(start, timeZone))).toEqual([
      '00:00',
      '01:00',
      ...Array.from({ length: 21 }, (_, i) => `${String(i + 3).padStart(2, '0')}:00`),
    ]);
  });
});
