import type { Express } from 'express';
import { HttpError } from '../../../../shared/simulator/index.js';
import { VOLUE_PATHS, VOLUE_VEHICLE_YEARS, type VolueVehicleMetadata } from '../../contract.js';
import { apiRoute } from '../http.js';
import type { StoredVehicle } from '../store.js';
import { addError, type FieldErrors, item, optionalString, registrationBody } from '../validation.js';
import type { VolueRouteDeps } from './index.js';

/** Vehicles (the seed's `{ vehicleId, metadata: { resourceType: "Vehicle", brand, model, year, vin } }`). */
export function registerVehicleRoutes(app: Express, { store, requireBearer }: VolueRouteDeps): void {
  app.get(apiRoute(VOLUE_PATHS.vehicles(':userId')), requireBearer, (req, res) => {
    res.json([...store.user(String(req.params.userId)).vehicles.values()]);
  });

  app.get(apiRoute(VOLUE_PATHS.vehicle(':userId', ':vehicleId')), requireBearer, (req, res) => {
    res.json(item(store.user(String(req.params.userId)).vehicles, req.params.vehicleId, 'Vehicle'));
  });

  app.post(apiRoute(VOLUE_PATHS.vehicles(':userId')), requireBearer, (req, res) => {
    const owner = store.user(String(req.params.userId));
    const { id: vehicleId, metadata } = registrationBody(req, 'vehicleId', checkVehicleMetadata);
    if (owner.vehicles.has(vehicleId)) throw new HttpError(409, `Vehicle ${vehicleId} already exists for user ${owner.userId}`);
    const vehicle: StoredVehicle = {
      id: store.nextId('vehicle'),
      userId: owner.userId,
      vehicleId,
      metadata: metadata as unknown as VolueVehicleMetadata, // checked by checkVehicleMetadata
    };
    owner.vehicles.set(vehicle.vehicleId, vehicle);
    res.status(201).json(vehicle);
  });
}

function checkVehicleMetadata(metadata: Record<string, unknown>, errors: FieldErrors): void {
  if (metadata.resourceType !== 'Vehicle') addError(errors, 'metadata.resourceType', 'The resourceType of a vehicle must be Vehicle.');
  for (const key of ['brand', 'model', 'vin'] as const) optionalString(metadata, key, errors, 'metadata.');
  const { year } = metadata;
  if (
    year !== undefined &&
    !(Number.isInteger(year) && (year as number) >= VOLUE_VEHICLE_YEARS.min && (year as number) <= VOLUE_VEHICLE_YEARS.max)
  ) {
    addError(errors, 'metadata.year', `The year must be a whole number from ${VOLUE_VEHICLE_YEARS.min} to ${VOLUE_VEHICLE_YEARS.max}.`);
  }
}
