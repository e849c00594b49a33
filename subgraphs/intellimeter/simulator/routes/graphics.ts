import type { Express, Request } from 'express';
import { renderChartPng, type ChartSpec } from '../../../../shared/simulator/charts.js';
import { HttpError, queryEnum, queryString } from '../../../../shared/simulator/index.js';
import {
  CHART_TYPES,
  type ChartType,
  INTELLIMETER_CHART_DEFAULT_UNITS,
  INTELLIMETER_CHART_PIXELS,
  INTELLIMETER_CHART_PIXELS_PER_UNIT,
  INTELLIMETER_PATHS,
} from '../../contract.js';
import type { SimulatedPoint } from '../store.js';
import type { IntellimeterRouteDeps } from './index.js';

const HOUR_MS = 3_600_000;
/** Every chart covers the last whole 24 hours. */
const CHART_HOURS = 24;

/** `/graphics`: a PNG of the last 24 hours' energy, of every point as `type`, or of one `meter` as a line. */
export function registerGraphicsRoutes(app: Express, { store, registers, clock, sessions }: IntellimeterRouteDeps): void {
  app.get(`/${INTELLIMETER_PATHS.graphics}`, sessions.require, async (req, res) => {
    const type = queryEnum(req, 'type', CHART_TYPES) ?? 'pie';
    const width = chartSize(req, 'width', INTELLIMETER_CHART_DEFAULT_UNITS.width);
    const height = chartSize(req, 'height', INTELLIMETER_CHART_DEFAULT_UNITS.height);
    const meter = queryString(req, 'meter');
    const slot = clock.latestSlot();
    const end = slot - (slot % HOUR_MS);
    const hours = Array.from({ length: CHART_HOURS }, (_, index) => end - (CHART_HOURS - index) * HOUR_MS);
    const content = chartContent({
      type,
      // "Generates a line graph of the meter's historical data. This overrides the type property."
      meter: meter === undefined ? undefined : store.pointNamed(meter),
      points: [...store.points.values()],
      hourLabels: hours.map((start) => clock.stamp(start, 'json').slice(11, 16)),
      hourly: (point) => registers.hourlyEnergy(point, end, CHART_HOURS),
    });
    const png = await renderChartPng({ ...content, width, height, background: '#ffffff' });
    res.type('image/png').send(png);
  });
}

/** What a chart shows: one meter's hourly energy as a line, or every point's as a pie (24-hour totals), bars or lines. */
function chartContent(chart: {
  type: ChartType;
  meter: SimulatedPoint | undefined;
  points: SimulatedPoint[];
  hourLabels: string[];
  hourly: (point: SimulatedPoint) => number[];
}): Pick<ChartSpec, 'kind' | 'title' | 'labels' | 'series'> {
  const { type, meter, points, hourLabels, hourly } = chart;
  if (meter) {
    return {
      kind: 'line',
      title: `${meter.MeterId}: kWh per hour, last 24 hours`,
      labels: hourLabels,
      series: [{ label: meter.MeterId, values: hourly(meter) }],
    };
  }
  if (type === 'pie') {
    return {
      kind: 'pie',
      title: 'kWh per meter, last 24 hours',
      labels: points.map((point) => point.MeterId),
      series: [{ label: 'kWh', values: points.map((point) => hourly(point).reduce((a, b) => a + b, 0)) }],
    };
  }
  return {
    kind: type,
    title: 'kWh per hour, last 24 hours',
    labels: hourLabels,
    series: points.map((point) => ({ label: point.MeterId, values: hourly(point) })),
  };
}

/** Width or height "in thousands of pixels" per the seed, read as hundreds (16 × 9 → 1600 × 900 px; CONTRACT.md). */
function chartSize(req: Request, name: string, defaultUnits: number): number {
  const text = queryString(req, name);
  if (text === undefined) return defaultUnits * INTELLIMETER_CHART_PIXELS_PER_UNIT;
  const value = Number(text);
  const pixels = Math.round(value * INTELLIMETER_CHART_PIXELS_PER_UNIT);
  const { min, max } = INTELLIMETER_CHART_PIXELS;
  if (text.trim() === '' || !Number.isFinite(value) || pixels < min || pixels > max) {
    const unit = INTELLIMETER_CHART_PIXELS_PER_UNIT;
    throw new HttpError(400, `${name} must be a number from ${min / unit} to ${max / unit} (hundreds of pixels)`);
  }
  return pixels;
}
