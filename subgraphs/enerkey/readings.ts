import { EnergyUnit, Resolution, type ReadingsSource, type SourceRow } from '../../shared/time/index.js';
import type { EnerkeyClient } from './client.js';
import { ENERKEY_MAX_HOURLY_DAYS } from './contract.js';

/**
 * What EnerKey can serve (DESIGN.md, "Time series"): hourly values (pushed ones included) in the meter's
 * unit, stamped by the start of their UTC hour, for up to 50 meters and 366 days a call (CONTRACT.md).
 * Its monthly values are not used: a month with a missing hour is summed from what it has, so it would
 * stand for less than it says.
 */
export interface EnerkeyEnergyMeter {
  id: number;
  unit: EnergyUnit;
}

export function enerkeyReadings(client: EnerkeyClient): ReadingsSource<EnerkeyEnergyMeter> {
  return {
    provider: 'ENERKEY',
    kind: 'interval',
    granularities: [
      { name: 'hourly', resolution: Resolution.HOUR, zone: 'UTC', call: { period: Resolution.DAY, maxPeriods: ENERKEY_MAX_HOURLY_DAYS } },
    ],
    maxSpanDays: ENERKEY_MAX_HOURLY_DAYS,
    meterKey: (meter) => String(meter.id),
    unit: (meter) => meter.unit,
    async load(meters, _hourly, { fromMs, toMs }) {
      const series = await client.values(
        'hourly',
        meters.map((meter) => meter.id),
        new Date(fromMs),
        new Date(toMs),
      );
      return new Map(
        series.map(({ meterId, values }) => [
          String(meterId),
          values.map(({ timestamp, value }): SourceRow => ({ at: timestamp.getTime(), value })),
        ]),
      );
    },
  };
}
