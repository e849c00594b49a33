import type { Express } from 'express';
import { HttpError, queryString } from '../../../../shared/simulator/index.js';
import { ENERKEY_MAX_METERING_POINTS_PER_CALL, ENERKEY_PATHS, type EnerkeyMeterRecord } from '../../contract.js';
import { idList, sendPage, textList } from '../parse.js';
import type { EnerkeyRouteDeps } from './index.js';

/** Meters matching every filter given (facility, meter and metering point ids; at least one), paged or whole. */
export function registerMeterRoutes(app: Express, { store, authorize }: EnerkeyRouteDeps): void {
  app.get(`/${ENERKEY_PATHS.meters}`, authorize, (req, res) => {
    const facilityIds = idList(queryString(req, 'facilityIds'), 'facilityIds');
    const meterIds = idList(queryString(req, 'meterIds'), 'meterIds');
    const points = textList(queryString(req, 'meteringPointIds'));
    if (points.length > ENERKEY_MAX_METERING_POINTS_PER_CALL) {
      throw new HttpError(400, `At most ${ENERKEY_MAX_METERING_POINTS_PER_CALL} meteringPointIds per request`);
    }
    if (facilityIds.length === 0 && meterIds.length === 0 && points.length === 0) {
      throw new HttpError(400, 'Give facilityIds, meterIds or meteringPointIds');
    }
    sendPage(
      req,
      res,
      [...store.meters.values()]
        .filter((m) => facilityIds.length === 0 || facilityIds.includes(m.facilityId))
        .filter((m) => meterIds.length === 0 || meterIds.includes(m.id))
        .filter((m) => points.length === 0 || (m.meteringPointId !== undefined && points.includes(m.meteringPointId)))
        .map(({ peakKw: _peak, provisioned: _provisioned, ...record }): EnerkeyMeterRecord => record),
    );
  });
}
