import type { Express } from 'express';
import { queryString } from '../../../../shared/simulator/index.js';
import { ENERKEY_PATHS } from '../../contract.js';
import { idList, pathNumber, sendPage } from '../parse.js';
import type { EnerkeyRouteDeps } from './index.js';

/** Facilities: all of the profile's, some by `ids` (unknown ones left out), paged or whole; or one (404 when unknown). */
export function registerFacilityRoutes(app: Express, { store, authorize }: EnerkeyRouteDeps): void {
  app.get(`/${ENERKEY_PATHS.facilities}`, authorize, (req, res) => {
    const ids = idList(queryString(req, 'ids'), 'ids');
    const all = [...store.facilities.values()];
    sendPage(req, res, ids.length === 0 ? all : all.filter((f) => ids.includes(f.id)));
  });
  app.get(`/${ENERKEY_PATHS.facility(':id')}`, authorize, (req, res) => {
    res.json(store.facility(pathNumber(req, 'id')));
  });
}
