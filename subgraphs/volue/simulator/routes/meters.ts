import type { Express } from 'express';
import { bodyObject, HttpError } from '../../../../shared/simulator/index.js';
import { VOLUE_LOCATION_TYPES, VOLUE_PATHS, type VolueLocationType } from '../../contract.js';
import { apiRoute } from '../http.js';
import type { StoredMeter } from '../store.js';
import { addError, addressObject, coordinates, type FieldErrors, optionalString, requiredString, throwIfInvalid } from '../validation.js';
import type { VolueRouteDeps } from './index.js';

/** Meters (the seed's `{ address, location, meterPointId, meterNumber, locationType }`; answers a meterId). */
export function registerMeterRoutes(app: Express, { store, requireBearer }: VolueRouteDeps): void {
  app.get(apiRoute(VOLUE_PATHS.meters(':userId')), requireBearer, (req, res) => {
    res.json([...store.user(String(req.params.userId)).meters.values()]);
  });

  app.get(apiRoute(VOLUE_PATHS.meter(':userId', ':meterId')), requireBearer, (req, res) => {
    const meter = [...store.user(String(req.params.userId)).meters.values()].find((m) => m.meterId === req.params.meterId);
    if (!meter) throw new HttpError(404, `Meter ${String(req.params.meterId)} not found`);
    res.json(meter);
  });

  app.post(apiRoute(VOLUE_PATHS.meters(':userId')), requireBearer, (req, res) => {
    const owner = store.user(String(req.params.userId));
    const body = bodyObject(req);
    const errors: FieldErrors = {};
    const meterPointId = requiredString(body, 'meterPointId', errors);
    const meterNumber = optionalString(body, 'meterNumber', errors);
    const locationType = body.locationType ?? 'Unknown';
    if (!VOLUE_LOCATION_TYPES.includes(locationType as never))
      addError(errors, 'locationType', `The locationType must be one of ${VOLUE_LOCATION_TYPES.join(', ')}.`);
    const address = addressObject(body, errors);
    const location = coordinates(body, errors);
    throwIfInvalid(errors);
    if (owner.meters.has(meterPointId!))
      throw new HttpError(409, `A meter with meterPointId ${meterPointId} already exists for user ${owner.userId}`);
    const meter: StoredMeter = {
      meterId: store.nextId('meter'),
      userId: owner.userId,
      address,
      location,
      meterPointId: meterPointId!,
      meterNumber: meterNumber ?? null,
      locationType: locationType as VolueLocationType,
    };
    owner.meters.set(meter.meterPointId, meter);
    res.status(201).json(meter);
  });
}
