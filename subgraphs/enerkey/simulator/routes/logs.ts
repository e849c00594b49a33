import type { Express } from 'express';
import { type ChartSpec, renderChartPdf, renderChartPng } from '../../../../shared/simulator/charts.js';
import { queryEnum } from '../../../../shared/simulator/index.js';
import { ENERKEY_IMAGE_FORMATS, ENERKEY_PATHS, HOUR_MS } from '../../contract.js';
import { pathNumber } from '../parse.js';
import type { EnerkeyRouteDeps } from './index.js';

/** How many hours before and after the alarm's hour its image shows. */
const HOURS_AROUND = 12;

/**
 * Logs (partners only): an alarm's details by id, and its image: the meter's hours around the alarm's
 * hour beside the limit it crossed, as PNG or PDF.
 */
export function registerLogRoutes(app: Express, { store, authorize }: EnerkeyRouteDeps): void {
  app.get(`/${ENERKEY_PATHS.alarm(':id')}`, authorize, (req, res) => {
    res.json(store.alarm(pathNumber(req, 'id')));
  });
  app.get(`/${ENERKEY_PATHS.alarmImage(':id')}`, authorize, async (req, res) => {
    const alarm = store.alarm(pathNumber(req, 'id'));
    const format = queryEnum(req, 'format', ENERKEY_IMAGE_FORMATS) ?? 'png';
    const meter = store.meter(alarm.meterId);
    const alarmHour = Date.parse(alarm.hour);
    const hours = Array.from({ length: 2 * HOURS_AROUND + 1 }, (_, i) => alarmHour + (i - HOURS_AROUND) * HOUR_MS);
    const spec: ChartSpec = {
      kind: 'bar',
      width: 800,
      height: 400,
      title: `${meter.name}: ${alarm.alarmType} at ${alarm.hour}`,
      labels: hours.map((hour) => new Date(hour).toISOString().slice(11, 16)),
      series: [
        { label: `${meter.name} (${meter.unit})`, values: hours.map((hour) => store.hourValue(meter, hour) ?? 0) },
        ...(alarm.limit === null ? [] : [{ label: `limit (${meter.unit})`, values: hours.map(() => alarm.limit!) }]),
      ],
      background: '#ffffff',
    };
    const image = format === 'pdf' ? await renderChartPdf(spec) : await renderChartPng(spec);
    res.type(format === 'pdf' ? 'application/pdf' : 'image/png').send(image);
  });
}
