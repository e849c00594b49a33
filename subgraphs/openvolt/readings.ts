import { EnergyUnit, Resolution, type Granularity, type ReadingsSource, type SourceRow } from '../../shared/time/index.js';
import type { OpenvoltClient } from './client.js';
import { OPENVOLT_MAX_CALL_DAYS, OPENVOLT_MAX_CALL_YEARS, type OpenvoltGranularity } from './contract.js';

/**
 * What Openvolt can serve (DESIGN.md, "Time series"): half-hourly kWh per meter, at most 62 days a call
 * (CONTRACT.md), and `/interval-data` also sums them into day, week, month and year rows. Openvolt does
 * not publish the zone those rows are cut in; `calendarZone` (OPENVOLT_CALENDAR_ZONE) says which the
 * subgraph assumes, by default UTC as the simulator does (inferred), or null to ask for half hours only.
 */
export const OPENVOLT_DEFAULT_CALENDAR_ZONE = 'UTC';
/** One consumption query may span at most a year. */
export const OPENVOLT_MAX_SPAN_DAYS = 366;

const HALF_HOURS: Granularity = {
  name: 'hh',
  resolution: Resolution.HALF_HOUR,
  zone: 'UTC',
  call: { period: Resolution.DAY, maxPeriods: OPENVOLT_MAX_CALL_DAYS.hh },
};

/** Calls limits of the coarser rows (CONTRACT.md): 366 days of days, five years of anything coarser. */
function calendarGranularities(zone: string): Granularity[] {
  const years = OPENVOLT_MAX_CALL_YEARS;
  return [
    { name: 'day', resolution: Resolution.DAY, zone, call: { period: Resolution.DAY, maxPeriods: OPENVOLT_MAX_CALL_DAYS.day } },
    { name: 'week', resolution: Resolution.WEEK, zone, call: { period: Resolution.WEEK, maxPeriods: years * 52 } },
    { name: 'month', resolution: Resolution.MONTH, zone, call: { period: Resolution.MONTH, maxPeriods: years * 12 } },
    { name: 'year', resolution: Resolution.YEAR, zone, call: { period: Resolution.YEAR, maxPeriods: years } },
  ];
}

/** Meters are Openvolt meter ids. */
export function openvoltReadings(client: OpenvoltClient, calendarZone: string | null): ReadingsSource<string> {
  return {
    provider: 'OPENVOLT',
    kind: 'interval',
    granularities: [HALF_HOURS, ...(calendarZone ? calendarGranularities(calendarZone) : [])],
    maxSpanDays: OPENVOLT_MAX_SPAN_DAYS,
    meterKey: (meterId) => meterId,
    unit: () => EnergyUnit.KWH,
    // Interval data is served one meter per call: a failed meter fails alone.
    async load(meterIds, granularity, { fromMs, toMs }) {
      const window = { from: new Date(fromMs), to: new Date(toMs) };
      const rows = await Promise.all(
        meterIds.map((meterId) =>
          client.intervalData({ meterId }, granularity.name as OpenvoltGranularity, window).then(
            (data): SourceRow[] => data.rows.map((row) => ({ at: row.start.getTime(), value: row.kwh })),
            (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
          ),
        ),
      );
      return new Map(meterIds.map((meterId, index) => [meterId, rows[index]!]));
    },
  };
}
