import { DateTime } from 'luxon';
import { BadUserInputError, GridgraphError, UpstreamUnavailableError } from '../../shared/errors.js';
import { LocalTimeReader } from '../../shared/timeseries/local-time.js';
import { Resolution, isFiner, resolveRange, type ReadingRange, type ResolvedRange } from '../../shared/timeseries/index.js';

/**
 * UMeter's measurement host (`/api/v2/measurements/{year|month|date}/…`): which route serves a request,
 * which periods it must ask for, and the one parser of its answer. No public source shows the response
 * body; the shape read here is inferred and written down in CONTRACT.md. When a live capture shows the
 * real body, this file is the only place to change.
 */

/** Dutch timestamps without an offset are wall-clock time here. */
export const UMETER_TIME_ZONE = 'Europe/Amsterdam';

export type MeasKey = 'import' | 'export';
export const MEAS_KEYS: readonly MeasKey[] = ['import', 'export'];

export type MeasurementRoute = 'year' | 'month' | 'date';

export interface RouteInfo {
  route: MeasurementRoute;
  /** What one value of this route covers: a local month, a local day, a quarter hour. */
  nativeResolution: Resolution;
  /** The calendar period one call covers, in UMETER_TIME_ZONE. */
  period: 'year' | 'month' | 'day';
  /** How the period appears in the path. */
  pathFormat: string;
  /** The longest consumption range this project serves through the route (in days); documented in the README. */
  maxSpanDays: number;
}

/** Coarsest first: the connector takes the first route that can serve a request. */
export const MEASUREMENT_ROUTES: readonly RouteInfo[] = [
  { route: 'year', nativeResolution: Resolution.MONTH, period: 'year', pathFormat: 'yyyy', maxSpanDays: 3660 },
  { route: 'month', nativeResolution: Resolution.DAY, period: 'month', pathFormat: 'yyyyMM', maxSpanDays: 366 },
  { route: 'date', nativeResolution: Resolution.QUARTER_HOUR, period: 'day', pathFormat: 'yyyyMMdd', maxSpanDays: 31 },
];

export function routeInfo(route: MeasurementRoute): RouteInfo {
  return MEASUREMENT_ROUTES.find((info) => info.route === route)!;
}

/** A request's route and its window widened to whole buckets. */
export interface MeasurementPlan {
  route: MeasurementRoute;
  resolved: ResolvedRange;
}

/**
 * The coarsest route whose values tile the requested buckets: a year at MONTH is one `year` call, a
 * month at DAY one `month` call, quarter hours come from `date`. A range in a zone whose boundaries do
 * not line up with Dutch days or months falls back to a finer route (and its shorter maximum).
 */
export function planMeasurements(range: ReadingRange): MeasurementPlan {
  const misaligned: string[] = [];
  for (const info of MEASUREMENT_ROUTES) {
    // A route whose values are coarser than the asked resolution cannot serve it.
    if (isFiner(range.resolution, info.nativeResolution)) continue;
    try {
      const resolved = resolveRange(range, {
        provider: 'UMETER',
        nativeResolution: info.nativeResolution,
        maxSpanDays: info.maxSpanDays,
        nativeTimeZone: UMETER_TIME_ZONE,
      });
      return { route: info.route, resolved };
    } catch (error) {
      const field = error instanceof GridgraphError ? error.extensions.field : undefined;
      if (field !== 'range.timeZone' || info.route === 'date') throw withHint(error, misaligned);
      misaligned.push(info.route);
    }
  }
  // FIVE_MINUTES and anything finer than every route: the finest route's refusal explains it.
  return {
    route: 'date',
    resolved: resolveRange(range, { provider: 'UMETER', nativeResolution: Resolution.QUARTER_HOUR, maxSpanDays: 31 }),
  };
}

function withHint(error: unknown, misaligned: string[]): unknown {
  if (!(error instanceof BadUserInputError) || misaligned.length === 0) return error;
  return new BadUserInputError(
    `${error.message} (Daily and monthly UMeter values follow Dutch calendar days; with timeZone "${UMETER_TIME_ZONE}" longer ranges are served.)`,
    error.extensions,
  );
}

/** The path values (`2026`, `202603`, `20260329`) of every period of `route` that overlaps [fromMs, toMs). */
export function periodsCovering(route: MeasurementRoute, fromMs: number, toMs: number): string[] {
  const info = routeInfo(route);
  const periods: string[] = [];
  let cursor = DateTime.fromMillis(fromMs, { zone: UMETER_TIME_ZONE }).startOf(info.period);
  while (cursor.toMillis() < toMs) {
    periods.push(cursor.toFormat(info.pathFormat));
    cursor = cursor.plus({ [info.period]: 1 }).startOf(info.period);
  }
  return periods;
}

/** One value as parsed: energy in kWh over [start, end), or null when UMeter has none. */
export interface MeasuredValue {
  start: Date;
  end: Date;
  kwh: number | null;
}

export interface MeasurementSeries {
  meteringPointId: string;
  measKey: string;
  values: MeasuredValue[];
}

/**
 * Parses a measurement answer (inferred shape, CONTRACT.md):
 * `{ meteringPoints: [{ meteringPointId, measurements: [{ measKey, unit?, values: [{ timestamp, value }] }] }] }`
 * with zone-less Dutch timestamps, each the start of the interval the route's resolution gives it, in
 * time order; `value` in kWh (Wh when `unit` says so), null for a gap.
 */
export function parseMeasurements(body: unknown, route: MeasurementRoute): MeasurementSeries[] {
  const info = routeInfo(route);
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
      const reader = new LocalTimeReader(UMETER_TIME_ZONE);
      series.push({
        meteringPointId,
        measKey,
        values: values.map((item) => {
          const timestamp = field(item, 'timestamp');
          if (typeof timestamp !== 'string') throw malformed(`a value of ${meteringPointId} has no timestamp`);
          let start: Date;
          try {
            start = new Date(reader.read(timestamp));
          } catch {
            throw malformed(`unreadable timestamp ${JSON.stringify(timestamp)}`);
          }
          const value = field(item, 'value');
          const kwh = typeof value === 'number' && Number.isFinite(value) ? value * factor : null;
          return { start, end: intervalEnd(start, info), kwh };
        }),
      });
    }
  }
  return series;
}

function intervalEnd(start: Date, info: RouteInfo): Date {
  if (info.nativeResolution === Resolution.QUARTER_HOUR) return new Date(start.getTime() + 15 * 60_000);
  return DateTime.fromJSDate(start, { zone: UMETER_TIME_ZONE })
    .plus({ [info.period === 'year' ? 'month' : 'day']: 1 })
    .toJSDate();
}

function field(value: unknown, name: string): unknown {
  return value && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
}

function malformed(reason: string): UpstreamUnavailableError {
  return new UpstreamUnavailableError(`UMeter sent measurements this service cannot read: ${reason}`, { provider: 'UMETER' });
}
