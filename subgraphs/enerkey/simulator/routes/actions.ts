import type { Express } from 'express';
import { bodyObject, enumField, HttpError, queryString, stringField } from '../../../../shared/simulator/index.js';
import { ENERKEY_ACTION_STATUSES, ENERKEY_PATHS, type EnerkeyActionRecord } from '../../contract.js';
import { idList, pathNumber, sendPage } from '../parse.js';
import type { EnerkeyRouteDeps } from './index.js';

/**
 * Actions: read them (all or by facility, paged or whole; or one), and replace one whole (EnerKey saves the object as
 * sent; it sets `modifiedAt`).
 */
export function registerActionRoutes(app: Express, { store, now, authorize }: EnerkeyRouteDeps): void {
  app.get(`/${ENERKEY_PATHS.actions}`, authorize, (req, res) => {
    const facilityIds = idList(queryString(req, 'facilityIds'), 'facilityIds');
    sendPage(
      req,
      res,
      [...store.actions.values()].filter((a) => facilityIds.length === 0 || facilityIds.includes(a.facilityId)),
    );
  });
  app.get(`/${ENERKEY_PATHS.action(':id')}`, authorize, (req, res) => {
    res.json(store.action(pathNumber(req, 'id')));
  });
  app.put(`/${ENERKEY_PATHS.action(':id')}`, authorize, (req, res) => {
    const id = pathNumber(req, 'id');
    store.action(id);
    const replaced = actionBody(bodyObject(req), id);
    store.facility(replaced.facilityId);
    store.actions.set(id, { ...replaced, modifiedAt: now().toISOString() });
    res.json(store.actions.get(id));
  });
}

/** The whole action as a PUT sends it, checked field by field. */
function actionBody(body: Record<string, unknown>, id: number): Omit<EnerkeyActionRecord, 'modifiedAt'> {
  if (body.id !== undefined && body.id !== id) throw new HttpError(400, `The body's id ${String(body.id)} differs from the path's ${id}`);
  const int = (name: string): number => {
    const value = body[name];
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new HttpError(400, `${name} must be a whole number`);
    return value;
  };
  const nullableNumber = (name: string): number | null => {
    const value = body[name];
    if (value === null || value === undefined) return null;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new HttpError(400, `${name} must be a number or null`);
    return value;
  };
  const meterIds = body.meterIds ?? [];
  if (!Array.isArray(meterIds) || !meterIds.every((m) => Number.isInteger(m))) throw new HttpError(400, 'meterIds must be whole numbers');
  const status = enumField(body, 'status', ENERKEY_ACTION_STATUSES, true)!;
  const endDate = stringField(body, 'endDate');
  return {
    id,
    facilityId: int('facilityId'),
    meterIds: meterIds as number[],
    type: stringField(body, 'type', true)!,
    status,
    title: stringField(body, 'title', true)!,
    description: stringField(body, 'description') ?? '',
    startDate: stringField(body, 'startDate', true)!,
    endDate: endDate ?? null,
    investment: nullableNumber('investment'),
    expectedSavingsKwh: nullableNumber('expectedSavingsKwh'),
  };
}
