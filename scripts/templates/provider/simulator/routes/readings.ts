import type { Express } from 'express';
import { HttpError, queryString } from '../../../../shared/simulator/index.js';
import { DAY_MS, HALF_HOUR_MS, __NAME___MAX_READINGS_DAYS, __NAME___PATHS, type __Name__ReadingRecord } from '../../contract.js';
import type { __Name__RouteDeps } from './index.js';

/** A meter's half-hourly readings in [from, to); half hours without data, or that have not ended, are left out. */
export function registerReadingRoutes(app: Express, { store, authorize }: __Name__RouteDeps): void {
  app.get(`/${__NAME___PATHS.readings(':id')}`, authorize, (req, res) => {
    const meter = store.meter(String(req.params.id));
    const from = instant(queryString(req, 'from'), 'from');
    const to = instant(queryString(req, 'to'), 'to');
    if (to <= from) throw new HttpError(400, 'to must be after from');
    if (to - from > __NAME___MAX_READINGS_DAYS * DAY_MS) throw new HttpError(400, `At most ${__NAME___MAX_READINGS_DAYS} days per request`);
    const readings: __Name__ReadingRecord[] = [];
    for (let start = Math.ceil(from / HALF_HOUR_MS) * HALF_HOUR_MS; start + HALF_HOUR_MS <= to; start += HALF_HOUR_MS) {
      const kwh = store.halfHourKwh(meter, start);
      if (kwh !== undefined) readings.push({ start: new Date(start).toISOString(), kwh });
    }
    res.json(readings);
  });
}

function instant(value: string | undefined, name: string): number {
  const ms = value === undefined ? NaN : Date.parse(value);
  if (Number.isNaN(ms)) throw new HttpError(400, `${name} must be an ISO 8601 instant, such as 2026-01-01T00:00:00Z`);
  return ms;
}
