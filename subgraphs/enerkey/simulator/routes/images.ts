import type { Express, Request } from 'express';
import { DateTime } from 'luxon';
import { type ChartSpec, renderChartPdf, renderChartPng } from '../../../../shared/simulator/charts.js';
import { HttpError, queryEnum, queryString } from '../../../../shared/simulator/index.js';
import {
  DAY_MS,
  ENERKEY_IMAGE_FORMATS,
  ENERKEY_IMAGE_LAYOUTS,
  ENERKEY_MAX_MONTHLY_DAYS,
  ENERKEY_PATHS,
  type EnerkeyFacilityRecord,
  type EnerkeyImageLayout,
} from '../../contract.js';
import { pathNumber, timestamp } from '../parse.js';
import { unitFactor } from '../seed.js';
import { round, type EnerkeySimulatorStore } from '../store.js';
import type { EnerkeyRouteDeps } from './index.js';

/**
 * A facility's consumption report: a bar chart of monthly kWh per energy meter, as PNG or PDF, in custom
 * colours; by default the 12 months before the current one. `report` has a title and is larger, `graph`
 * is the bare chart for embedding.
 */
export function registerImageRoutes(app: Express, { store, now, authorize }: EnerkeyRouteDeps): void {
  app.get(`/${ENERKEY_PATHS.facilityImage(':id')}`, authorize, async (req, res) => {
    const facility = store.facility(pathNumber(req, 'id'));
    const format = queryEnum(req, 'format', ENERKEY_IMAGE_FORMATS) ?? 'png';
    const layout = queryEnum(req, 'layout', ENERKEY_IMAGE_LAYOUTS) ?? 'report';
    const colors = colorList(queryString(req, 'colors'));
    const { start, end } = imageWindow(req, now);
    const spec: ChartSpec = {
      kind: 'bar',
      ...layoutSize(facility, layout),
      ...monthlyKwh(store, facility, start, end),
      colors,
      background: '#ffffff',
    };
    const image = format === 'pdf' ? await renderChartPdf(spec) : await renderChartPng(spec);
    res.type(format === 'pdf' ? 'application/pdf' : 'image/png').send(image);
  });
}

/** [start, end) of the image: given, or the 12 calendar months (UTC) before the current one. */
function imageWindow(req: Request, now: () => Date): { start: DateTime; end: DateTime } {
  const end = queryString(req, 'end') ? timestamp(queryString(req, 'end'), 'end') : DateTime.fromJSDate(now()).toUTC().startOf('month');
  const start = queryString(req, 'start') ? timestamp(queryString(req, 'start'), 'start') : end.minus({ months: 12 });
  if (end <= start) throw new HttpError(400, 'end must be after start');
  if (end.toMillis() - start.toMillis() > ENERKEY_MAX_MONTHLY_DAYS * DAY_MS) {
    throw new HttpError(400, `At most ${ENERKEY_MAX_MONTHLY_DAYS} days per image`);
  }
  return { start, end };
}

function layoutSize(facility: EnerkeyFacilityRecord, layout: EnerkeyImageLayout): Pick<ChartSpec, 'width' | 'height' | 'title'> {
  if (layout === 'graph') return { width: 600, height: 300, title: undefined };
  const place = [facility.name, facility.address?.city].filter(Boolean).join(', ');
  return { width: 1000, height: 600, title: `${place}: consumption by month` };
}

/** One bar series per energy meter of the facility (kWh per month; a month without data is 0). */
function monthlyKwh(store: EnerkeySimulatorStore, facility: EnerkeyFacilityRecord, start: DateTime, end: DateTime) {
  const meters = [...store.meters.values()].filter((m) => m.facilityId === facility.id && isEnergyUnit(m.unit));
  const labels: string[] = [];
  for (let month = start.startOf('month'); month < end; month = month.plus({ months: 1 })) labels.push(month.toFormat('yyyy-MM'));
  const series = meters.map((m) => {
    const byMonth = new Map(store.monthly(m, start, end).map(({ start: month, value }) => [month.toFormat('yyyy-MM'), value]));
    return { label: `${m.name} (kWh)`, values: labels.map((label) => round((byMonth.get(label) ?? 0) / unitFactor(m))) };
  });
  return { labels, series };
}

function isEnergyUnit(unit: string): boolean {
  return unit === 'kWh' || unit === 'MWh';
}

function colorList(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(',').map((part) => {
    const color = part.trim();
    if (!/^#?[0-9a-fA-F]{6}$/.test(color)) throw new HttpError(400, `colors must be hex colours such as #1f77b4, got "${color}"`);
    return color.startsWith('#') ? color : `#${color}`;
  });
}
