import type { Express, Request } from 'express';
import {
  VOLUE_CURRENCIES,
  VOLUE_ENERGY_UNITS,
  VOLUE_PATHS,
  VOLUE_PRICE_AREAS,
  type VolueEventPayload,
  type VolueSimulatedEvent,
  type VolueSimulateLocationLpcRequest,
  type VolueSimulatePriceCurveRequest,
  type VolueSimulateResourceLpcRequest,
} from '../../contract.js';
import { apiRoute, StringBodyError } from '../http.js';
import { addSimulatedPartnerData, deleteSimulatedPartnerData, locationLpcTargets, priceCurvePayload, resourceLpcTargets } from '../seed.js';
import { stamp } from '../time.js';
import { addError, type FieldErrors, optionalEnum, throwIfInvalid } from '../validation.js';
import type { VolueRouteDeps } from './index.js';

/**
 * The sandbox's simulation routes: events made from the request body (what it leaves out is random,
 * seeded) and delivered to the webhooks, and random partner data (users, locations, vehicles, resources)
 * created and deleted. Every 400 is a string, as the spec declares.
 */
export function registerSimulationRoutes(app: Express, { store, now, requireBearer, notifier }: VolueRouteDeps): void {
  const answer = async (payload: VolueEventPayload) => ({ simulatedEvent: await notifier.publish(payload) }) satisfies VolueSimulatedEvent;
  const seed = () => `simulated:${store.events.length}`;

  app.post(apiRoute(VOLUE_PATHS.simulatePriceCurve), requireBearer, async (req, res) => {
    const body = optionalBody(req) as VolueSimulatePriceCurveRequest;
    checkPriceCurveRequest(body);
    res.json(await answer(priceCurvePayload(seed(), now(), body)));
  });

  // Names the users whose eligibility changed since the last such event.
  app.post(apiRoute(VOLUE_PATHS.simulateUserEligibility), requireBearer, async (_req, res) => {
    const before = store.eligibleAtLastEvent;
    const eligible = new Set(store.eligibleUserIds());
    store.eligibleAtLastEvent = eligible;
    res.json(
      await answer({
        payloadType: 'UserEligibility',
        lastUpdated: stamp(now()),
        addedUsers: [...eligible].filter((userId) => !before.has(userId)),
        removedUsers: [...before].filter((userId) => !eligible.has(userId)),
      }),
    );
  });

  app.post(apiRoute(VOLUE_PATHS.simulateLocationLpc), requireBearer, async (req, res) => {
    const { locations } = optionalBody(req) as VolueSimulateLocationLpcRequest;
    checkList(locations, 'locations', 'location');
    res.json(await answer({ payloadType: 'LocationLPC', targets: locationLpcTargets(seed(), now(), locations) }));
  });

  app.post(apiRoute(VOLUE_PATHS.simulateResourceLpc), requireBearer, async (req, res) => {
    const { resources } = optionalBody(req) as VolueSimulateResourceLpcRequest;
    checkList(resources, 'resources', 'resource');
    res.json(await answer({ payloadType: 'ResourceLPC', targets: resourceLpcTargets(seed(), now(), resources) }));
  });

  app.post(apiRoute(VOLUE_PATHS.simulatePartnerData), requireBearer, (_req, res) => {
    addSimulatedPartnerData(store, stamp(now()));
    res.status(201).end();
  });

  app.delete(apiRoute(VOLUE_PATHS.simulatePartnerData), requireBearer, (_req, res) => {
    deleteSimulatedPartnerData(store);
    res.status(200).end();
  });
}

/** The body, which every simulation route may leave out. */
function optionalBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body)))
    return (body ?? {}) as Record<string, unknown>;
  throw new StringBodyError(400, 'The request body must be a JSON object');
}

function checkPriceCurveRequest(body: VolueSimulatePriceCurveRequest): void {
  const errors: FieldErrors = {};
  optionalEnum(body as Record<string, unknown>, 'priceArea', VOLUE_PRICE_AREAS, errors);
  if (
    body.targets != null &&
    !(Array.isArray(body.targets) && body.targets.every((t) => typeof t?.resourceId === 'string' && typeof t?.locationId === 'string'))
  )
    addError(errors, 'targets', 'Each target needs a resourceId and a locationId.');
  const curve = body.priceCurveDelta as Record<string, unknown> | undefined;
  if (curve != null) {
    optionalEnum(curve, 'energyUnit', VOLUE_ENERGY_UNITS, errors, 'priceCurveDelta.');
    optionalEnum(curve, 'currency', VOLUE_CURRENCIES, errors, 'priceCurveDelta.');
    if (curve.resolution != null && !/^\d{2}:\d{2}:\d{2}$/.test(String(curve.resolution)))
      addError(errors, 'priceCurveDelta.resolution', 'The resolution must be a time span such as 01:00:00.');
    if (
      curve.points != null &&
      !(Array.isArray(curve.points) && curve.points.every((p: any) => typeof p?.price === 'number' && typeof p?.timestamp === 'string'))
    )
      addError(errors, 'priceCurveDelta.points', 'Each point needs a price and a timestamp.');
  }
  throwIfInvalid(errors, 'string');
}

/** A list of targets, each an object with its `key` object, when given. */
function checkList(list: unknown, name: string, key: string): void {
  if (list == null) return;
  if (!Array.isArray(list) || !list.every((item) => item && typeof item === 'object' && typeof item[key] === 'object'))
    throw new StringBodyError(400, `${name} must be a list of objects with a ${key}`);
}
