import { EnergyUnit, Resolution, type ReadingsSource, type SourceRow } from '../../shared/time/index.js';
import type { __Name__Client } from './client.js';
import { __NAME___MAX_READINGS_DAYS, __NAME___MAX_SPAN_DAYS } from './contract.js';

/**
 * What __Label__ can serve (DESIGN.md, "Time series"): half-hourly energy in kWh, stamped by the start
 * of the half hour, for one meter and up to __NAME___MAX_READINGS_DAYS UTC days a call. The kit's
 * pipeline does the rest: ranges, batching, cutting at now, gaps, resampling, units and totals.
 */
export interface __Name__EnergyMeter {
  id: string;
}

export function __name__Readings(client: __Name__Client): ReadingsSource<__Name__EnergyMeter> {
  return {
    provider: '__NAME__',
    kind: 'interval',
    granularities: [
      {
        name: 'halfHour',
        resolution: Resolution.HALF_HOUR,
        zone: 'UTC',
        call: { period: Resolution.DAY, maxPeriods: __NAME___MAX_READINGS_DAYS },
      },
    ],
    maxSpanDays: __NAME___MAX_SPAN_DAYS,
    meterKey: (meter) => meter.id,
    unit: () => EnergyUnit.KWH,
    async load(meters, _halfHour, { fromMs, toMs }) {
      // One call per meter (the API has no batch endpoint); a failed call fails only its own meter.
      const rows = await Promise.all(
        meters.map(async (meter): Promise<[string, SourceRow[] | Error]> => {
          try {
            const readings = await client.readings(meter.id, new Date(fromMs), new Date(toMs));
            return [meter.id, readings.map(({ start, kwh }) => ({ at: Date.parse(start), value: kwh }))];
          } catch (error) {
            return [meter.id, error as Error];
          }
        }),
      );
      return new Map(rows);
    },
  };
}
