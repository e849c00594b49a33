import type { Express } from 'express';
import { VOLUE_PATHS, VOLUE_RESOURCE_TYPES } from '../../contract.js';
import { apiRoute, emptyResponse, StringBodyError } from '../http.js';
import type { StoredResource, VolueSimulatorStore } from '../store.js';
import { addError, type FieldErrors, optionalEnum, optionalString, requestBody, requiredString, throwIfInvalid } from '../validation.js';
import type { VolueRouteDeps } from './index.js';

/**
 * Resources: vehicles (bound to a user), resources bound to a location, a user's resources of both
 * kinds, and any resource by its id (unique across users). Each 400 and 404 in the shape the spec
 * declares for its operation.
 */
export function registerResourceRoutes(app: Express, { store, requireBearer }: VolueRouteDeps): void {
  // Errors are problem+json here (the spec's only problem+json registration).
  app.post(apiRoute(VOLUE_PATHS.vehicles(':userId')), requireBearer, (req, res) => {
    const body = requestBody(req, 'problem');
    const errors: FieldErrors = {};
    const userId = String(req.params.userId);
    if (!store.users.has(userId)) addError(errors, 'userId', `User ${userId} does not exist.`);
    const resourceId = newResourceId(store, body, errors);
    if (body.resourceType !== 'Vehicle') addError(errors, 'resourceType', 'The resourceType of a vehicle must be Vehicle.');
    throwIfInvalid(errors, 'problem');
    const vehicle = store.addResource({ resourceId: resourceId!, resourceType: 'Vehicle', userId, locationId: null, meterPointId: null });
    res.status(201).json(vehicle);
  });

  app.get(apiRoute(VOLUE_PATHS.userResources(':userId')), requireBearer, (req, res) => {
    res.json({ resources: store.userResources(store.user(String(req.params.userId)).userId) });
  });

  app.get(apiRoute(VOLUE_PATHS.locationResources(':userId', ':locationId')), requireBearer, (req, res) => {
    const location = store.location(store.user(String(req.params.userId)), String(req.params.locationId));
    res.json(store.userResources(location.userId).filter((resource) => resource.locationId === location.locationId));
  });

  app.post(apiRoute(VOLUE_PATHS.locationResources(':userId', ':locationId')), requireBearer, (req, res) => {
    const user = store.users.get(String(req.params.userId));
    const location = user?.locations.get(String(req.params.locationId));
    if (!user || !location)
      throw new StringBodyError(404, `User ${String(req.params.userId)} has no location ${String(req.params.locationId)}`);
    const body = requestBody(req, 'string');
    const errors: FieldErrors = {};
    const resourceId = newResourceId(store, body, errors);
    const resourceType = optionalEnum(body, 'resourceType', VOLUE_RESOURCE_TYPES, errors);
    if (body.resourceType === undefined || body.resourceType === null)
      addError(errors, 'resourceType', 'The resourceType field is required.');
    const meterPointId = optionalString(body, 'meterPointId', errors) ?? null;
    // [I] A resource sits behind one of its location's meter points.
    if (meterPointId !== null && !location.meterPointIds.includes(meterPointId))
      addError(errors, 'meterPointId', `The meterPointId must be one of the location's (${location.meterPointIds.join(', ') || 'none'}).`);
    throwIfInvalid(errors, 'string');
    const resource: StoredResource = {
      resourceId: resourceId!,
      resourceType: resourceType!,
      userId: user.userId,
      locationId: location.locationId,
      meterPointId,
    };
    res.status(201).json(store.addResource(resource));
  });

  app.get(apiRoute(VOLUE_PATHS.resource(':resourceId')), requireBearer, (req, res) => {
    const resource = store.resources.get(String(req.params.resourceId));
    if (!resource) throw new StringBodyError(404, `Resource ${String(req.params.resourceId)} not found`);
    res.json(resource);
  });

  app.delete(apiRoute(VOLUE_PATHS.resource(':resourceId')), requireBearer, (req, res) => {
    if (!store.resources.delete(String(req.params.resourceId))) throw emptyResponse(404);
    res.status(204).end();
  });
}

/** The body's resourceId, required and not yet used by any resource ([I] the spec declares no 409: a 400). */
function newResourceId(store: VolueSimulatorStore, body: Record<string, unknown>, errors: FieldErrors): string | undefined {
  const resourceId = requiredString(body, 'resourceId', errors);
  if (resourceId !== undefined && store.resources.has(resourceId))
    addError(errors, 'resourceId', `A resource with resourceId ${resourceId} already exists.`);
  return resourceId;
}
