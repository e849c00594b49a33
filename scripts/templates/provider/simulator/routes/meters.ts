import type { Express } from 'express';
import { HttpError, queryPositiveInteger, queryString } from '../../../../shared/simulator/index.js';
import {
  __NAME___MAX_METERING_POINTS_PER_CALL,
  __NAME___MAX_PAGE_SIZE,
  __NAME___PAGE_SIZE,
  __NAME___PATHS,
  type __Name__MeterRecord,
  type __Name__MetersPage,
} from '../../contract.js';
import type { SeededMeter } from '../seed.js';
import type { __Name__RouteDeps } from './index.js';

/** A page of meters (or those with the given metering point ids), and one meter by id. */
export function registerMeterRoutes(app: Express, { store, authorize }: __Name__RouteDeps): void {
  app.get(`/${__NAME___PATHS.meters}`, authorize, (req, res) => {
    const points = queryString(req, 'meteringPointIds')?.split(',').filter(Boolean) ?? [];
    if (points.length > __NAME___MAX_METERING_POINTS_PER_CALL) {
      throw new HttpError(400, `At most ${__NAME___MAX_METERING_POINTS_PER_CALL} meteringPointIds per request`);
    }
    const page = queryPositiveInteger(req, 'page', 1);
    const pageSize = queryPositiveInteger(req, 'pageSize', __NAME___PAGE_SIZE);
    if (pageSize > __NAME___MAX_PAGE_SIZE) throw new HttpError(400, `pageSize must be at most ${__NAME___MAX_PAGE_SIZE}`);
    const meters = [...store.meters.values()].filter((meter) => points.length === 0 || points.includes(meter.meteringPointId ?? ''));
    const answer: __Name__MetersPage = { meters: meters.slice((page - 1) * pageSize, page * pageSize).map(record), total: meters.length };
    res.json(answer);
  });

  app.get(`/${__NAME___PATHS.meter(':id')}`, authorize, (req, res) => {
    res.json(record(store.meter(String(req.params.id))));
  });
}

function record({ peakKw: _peakKw, ...meter }: SeededMeter): __Name__MeterRecord {
  return meter;
}
