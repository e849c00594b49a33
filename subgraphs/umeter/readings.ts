import { DateTime } from 'luxon';
import { EnergyUnit, ReadingQuality, Resolution, type Granularity, type ReadingsSource, type SourceRow } from '../../shared/time/index.js';
import type { UmeterClient } from './client.js';
import { MEASUREMENT_PERIOD_FORMAT, UMETER_MAX_EANS_PER_CALL, UMETER_TIME_ZONE, type MeasKey, type MeasurementRoute } from './contract.js';

/**
 * What UMeter can serve (DESIGN.md, "Time series"): quarter hours (`date` route, one Dutch day a call),
 * Dutch days (`month`, one Dutch month a call) and Dutch months (`year`, one Dutch year a call), each
 * call carrying up to 50 EANs and both measurement keys. UMeter documents no span limits [NF]; these
 * bound the calls one query may cost: 31 days through `date`, 366 through `month`, 3660 through `year`.
 */
export interface UmeterMeter {
  ean: string;
  measKey: MeasKey;
}

const route = (
  name: MeasurementRoute,
  resolution: Resolution,
  period: Resolution.DAY | Resolution.MONTH | Resolution.YEAR,
  maxSpanDays: number,
): Granularity => ({ name, resolution, zone: UMETER_TIME_ZONE, call: { period, maxPeriods: 1 }, maxSpanDays });

const ROUTES: readonly Granularity[] = [
  route('date', Resolution.QUARTER_HOUR, Resolution.DAY, 31),
  route('month', Resolution.DAY, Resolution.MONTH, 366),
  route('year', Resolution.MONTH, Resolution.YEAR, 3660),
];

export function umeterReadings(client: UmeterClient): ReadingsSource<UmeterMeter> {
  return {
    provider: 'UMETER',
    kind: 'interval',
    granularities: ROUTES,
    maxSpanDays: 3660,
    meterKey: ({ ean, measKey }) => `${ean}|${measKey}`,
    unit: () => EnergyUnit.KWH,
    async load(meters, granularity, window) {
      const measurementRoute = granularity.name as MeasurementRoute;
      const period = DateTime.fromMillis(window.fromMs, { zone: UMETER_TIME_ZONE }).toFormat(MEASUREMENT_PERIOD_FORMAT[measurementRoute]);
      const eans = [...new Set(meters.map((meter) => meter.ean))].sort();
      const measKeys = [...new Set(meters.map((meter) => meter.measKey))].sort();
      const calls: string[][] = [];
      for (let i = 0; i < eans.length; i += UMETER_MAX_EANS_PER_CALL) calls.push(eans.slice(i, i + UMETER_MAX_EANS_PER_CALL));
      const answers = await Promise.all(calls.map((part) => client.measurements(measurementRoute, period, part, measKeys)));
      const rows = new Map<string, SourceRow[]>();
      for (const series of answers.flat()) {
        rows.set(
          `${series.meteringPointId}|${series.measKey}`,
          series.values.map(({ at, kwh }) => ({
            at,
            value: kwh,
            quality: kwh === null ? ReadingQuality.MISSING : ReadingQuality.MEASURED,
          })),
        );
      }
      return rows;
    },
  };
}
