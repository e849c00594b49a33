import type { Express } from 'express';
import { VOLUE_PATHS } from '../../contract.js';
import { apiRoute, emptyResponse, StringBodyError } from '../http.js';
import { locationView, type StoredLocation, type StoredUser, type VolueSimulatorStore } from '../store.js';
import {
  addError,
  coordinatesField,
  type FieldErrors,
  locationTypeField,
  meterPointIdsField,
  requestBody,
  requiredString,
  throwIfInvalid,
} from '../validation.js';
import type { VolueRouteDeps } from './index.js';

/**
 * Locations (the current API's replacement of the seed's meters): a user's sites, each with its type,
 * coordinates and meter point ids. Create, read, replace, patch, delete, and a batch for many users.
 */
export function registerLocationRoutes(app: Express, { store, requireBearer }: VolueRouteDeps): void {
  const userOf = (userId: unknown) => store.user(String(userId));

  // The spec declares no 404 here: an unknown user is a 400 string.
  app.get(apiRoute(VOLUE_PATHS.locations(':userId')), requireBearer, (req, res) => {
    res.json([...store.userOr400(String(req.params.userId)).locations.values()].map(locationView));
  });

  app.post(apiRoute(VOLUE_PATHS.locations(':userId')), requireBearer, (req, res) => {
    const user = userOf(req.params.userId);
    const errors: FieldErrors = {};
    const location = newLocation(requestBody(req, 'string'), user.userId, errors, '');
    throwIfInvalid(errors, 'string');
    if (conflicts(store, user, location)) throw emptyResponse(409);
    res.status(201).json(locationView(store.addLocation(location)));
  });

  // All or nothing: an unknown user, a bad location or a conflict refuses the batch (a 400 string).
  app.post(apiRoute(VOLUE_PATHS.locationsBatch), requireBearer, (req, res) => {
    const { locations } = requestBody(req, 'string');
    if (!Array.isArray(locations) || locations.length === 0) throw new StringBodyError(400, 'locations must be a non-empty list');
    const errors: FieldErrors = {};
    const created = locations.map((body: unknown, index) => {
      const fields = (body ?? {}) as Record<string, unknown>;
      const prefix = `locations[${index}].`;
      const userId = requiredString(fields, 'userId', errors, prefix);
      if (userId !== undefined && !store.users.has(userId)) addError(errors, `${prefix}userId`, `User ${userId} does not exist.`);
      return newLocation(fields, userId ?? '', errors, prefix);
    });
    throwIfInvalid(errors, 'string');
    const keys = created.map((location) => `${location.userId}\u0000${location.locationId}`);
    if (new Set(keys).size !== keys.length || created.some((location) => conflicts(store, store.user(location.userId), location))) {
      throw new StringBodyError(400, 'A location already exists, or a meter point id is on another location of its user.');
    }
    res.status(201).json({ locations: created.map((location) => locationView(store.addLocation(location))) });
  });

  app.get(apiRoute(VOLUE_PATHS.location(':userId', ':locationId')), requireBearer, (req, res) => {
    res.json(locationView(store.location(userOf(req.params.userId), String(req.params.locationId))));
  });

  // PUT replaces every field (one not sent is cleared); the body's locationId must be the path's.
  app.put(apiRoute(VOLUE_PATHS.location(':userId', ':locationId')), requireBearer, (req, res) => {
    const user = userOf(req.params.userId);
    const location = store.location(user, String(req.params.locationId));
    const errors: FieldErrors = {};
    const replacement = newLocation(requestBody(req, 'string'), user.userId, errors, '');
    if (replacement.locationId !== undefined && replacement.locationId !== location.locationId)
      addError(errors, 'locationId', 'The locationId must be the one in the path.');
    throwIfInvalid(errors, 'string');
    Object.assign(location, replacement);
    res.json(locationView(location));
  });

  app.patch(apiRoute(VOLUE_PATHS.location(':userId', ':locationId')), requireBearer, (req, res) => {
    const user = userOf(req.params.userId);
    const location = store.location(user, String(req.params.locationId));
    const body = requestBody(req, 'string');
    const errors: FieldErrors = {};
    const locationType = locationTypeField(body, errors);
    const coordinates = coordinatesField(body, errors);
    const meterPointIds = meterPointIdsField(body, errors);
    throwIfInvalid(errors, 'string');
    if (meterPointIds && conflicts(store, user, { ...location, meterPointIds }, true)) throw emptyResponse(409);
    if (locationType !== undefined) location.locationType = locationType;
    if (coordinates !== undefined) location.coordinates = coordinates;
    if (meterPointIds !== undefined) location.meterPointIds = meterPointIds;
    res.json(locationView(location));
  });

  app.delete(apiRoute(VOLUE_PATHS.location(':userId', ':locationId')), requireBearer, (req, res) => {
    const user = userOf(req.params.userId);
    store.deleteLocation(user, store.location(user, String(req.params.locationId)).locationId);
    res.status(204).end();
  });
}

/** A location from a PostLocationRequest (or PutLocationRequest) body; problems go to `errors`. */
function newLocation(body: Record<string, unknown>, userId: string, errors: FieldErrors, prefix: string): StoredLocation {
  return {
    locationId: requiredString(body, 'locationId', errors, prefix)!,
    userId,
    locationType: locationTypeField(body, errors, prefix) ?? 'Unknown',
    coordinates: coordinatesField(body, errors, prefix),
    meterPointIds: meterPointIdsField(body, errors, prefix) ?? [],
  };
}

/**
 * [I] The 409 the spec declares: the user has this locationId already (unless `existing`), or one of
 * its meter point ids is on another of the user's locations.
 */
function conflicts(store: VolueSimulatorStore, user: StoredUser, location: StoredLocation, existing = false): boolean {
  if (!existing && user.locations.has(location.locationId)) return true;
  return location.meterPointIds.some((id) => {
    const holder = store.locationWithMeterPoint(id, location.locationId);
    return holder !== undefined && holder.userId === user.userId;
  });
}
