import type { Express } from 'express';
import { HttpError } from '../../../../shared/simulator/index.js';
import { VOLUE_PATHS, VOLUE_RESOURCE_TYPES, type VolueResourceMetadata } from '../../contract.js';
import { apiRoute } from '../http.js';
import type { StoredResource } from '../store.js';
import { addError, type FieldErrors, item, registrationBody } from '../validation.js';
import type { VolueRouteDeps } from './index.js';

/**
 * Resources (the seed's `{ resourceId, metadata: { resourceType, …type-specific fields } }`); the list
 * answers `{ resources }` as the current API does.
 */
export function registerResourceRoutes(app: Express, { store, requireBearer }: VolueRouteDeps): void {
  app.get(apiRoute(VOLUE_PATHS.resources(':userId')), requireBearer, (req, res) => {
    res.json({ resources: [...store.user(String(req.params.userId)).resources.values()] });
  });

  app.get(apiRoute(VOLUE_PATHS.resource(':userId', ':resourceId')), requireBearer, (req, res) => {
    res.json(item(store.user(String(req.params.userId)).resources, req.params.resourceId, 'Resource'));
  });

  app.post(apiRoute(VOLUE_PATHS.resources(':userId')), requireBearer, (req, res) => {
    const owner = store.user(String(req.params.userId));
    const { id: resourceId, metadata } = registrationBody(req, 'resourceId', checkResourceMetadata);
    if (owner.resources.has(resourceId)) throw new HttpError(409, `Resource ${resourceId} already exists for user ${owner.userId}`);
    const resource: StoredResource = {
      id: store.nextId('resource'),
      userId: owner.userId,
      resourceId,
      metadata: metadata as VolueResourceMetadata,
    };
    owner.resources.set(resource.resourceId, resource);
    res.status(201).json(resource);
  });
}

function checkResourceMetadata(metadata: Record<string, unknown>, errors: FieldErrors): void {
  if (!VOLUE_RESOURCE_TYPES.includes(metadata.resourceType as never)) {
    addError(errors, 'metadata.resourceType', `The resourceType must be one of ${VOLUE_RESOURCE_TYPES.join(', ')}.`);
  }
  if (metadata.capacity !== undefined && !(typeof metadata.capacity === 'number' && metadata.capacity > 0)) {
    addError(errors, 'metadata.capacity', 'The capacity must be a positive number.');
  }
  const elements = metadata.heatingElements;
  if (elements !== undefined && !(Array.isArray(elements) && elements.every((watts) => typeof watts === 'number' && watts > 0))) {
    addError(errors, 'metadata.heatingElements', 'heatingElements must be a list of positive numbers (watts).');
  }
}
