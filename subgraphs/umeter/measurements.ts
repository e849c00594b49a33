import { UpstreamUnavailableError } from '../../shared/graph/errors.js';
import { WallClockReader } from '../../shared/time/wall-clock.js';
import { UMETER_TIME_ZONE } from './contract.js';

/**
 * The one parser of UMeter's measurement answers (`/api/v2/measurements/{year|month|date}/…`). No public
 * source shows the response body; the shape read here is inferred (`UmeterMeasurementsRecord` in
 * contract.ts, CONTRACT.md). When a live capture shows the real body, the record type and this parser are
 * the places to change. What each route serves, and how calls batch, is the readings contract (readings.ts).
 */

/** One value as parsed: energy in kWh over the interval starting at `at` (epoch ms), or null when UMeter has none. */
export interface MeasuredValue {
  at: number;
  kwh: number | null;
}

export interface MeasurementSeries {
  meteringPointId: string;
  measKey: string;
  values: MeasuredValue[];
}

/**
 * Parses a measurement answer (`UmeterMeasurementsRecord`, checked field by field since it is inferred):
 * zone-less Dutch timestamps, each the start of its interval, in time order; kWh (Wh when `unit` says so).
 */
export function parseMeasurements(body: unknown): MeasurementSeries[] {
  const points = field(body, 'meteringPoints');
  if (!Array.isArray(points)) throw malformed('`meteringPoints` is not a list');
  const series: MeasurementSeries[] = [];
  for (const point of points) {
    const meteringPointId = field(point, 'meteringPointId');
    if (typeof meteringPointId !== 'string') throw malformed('a metering point has no `meteringPointId`');
    const measurements = field(point, 'measurements');
    if (!Array.isArray(measurements)) throw malformed(`\`measurements\` of ${meteringPointId} is not a list`);
    for (const measurement of measurements) {
      const measKey = field(measurement, 'measKey');
      const values = field(measurement, 'values');
      if (typeof measKey !== 'string' || !Array.isArray(values))
        throw malformed(`a measurement of ${meteringPointId} lacks measKey or values`);
      const factor = String(field(measurement, 'unit') ?? 'kWh').toLowerCase() === 'wh' ? 0.001 : 1;
      const reader = new WallClockReader(UMETER_TIME_ZONE);
      series.push({
        meteringPointId,
        measKey,
        values: values.map((item) => {
          const timestamp = field(item, 'timestamp');
          if (typeof timestamp !== 'string') throw malformed(`a value of ${meteringPointId} has no timestamp`);
          let at: number;
          try {
            at = reader.read(timestamp);
          } catch {
            throw malformed(`unreadable timestamp ${JSON.stringify(timestamp)}`);
          }
          const value = field(item, 'value');
          return { at, kwh: typeof value === 'number' && Number.isFinite(value) ? value * factor : null };
        }),
      });
    }
  }
  return series;
}

function field(value: unknown, name: string): unknown {
  return value && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
}

function malformed(reason: string): UpstreamUnavailableError {
  return new UpstreamUnavailableError(`UMeter sent measurements this service cannot read: ${reason}`, { provider: 'UMETER' });
}
