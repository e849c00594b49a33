import { createHmac, randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, Express, Request, RequestHandler, Response } from 'express';
import { DateTime } from 'luxon';
import { createLogger } from '../../shared/observability/logger.js';
import {
  bodyObject,
  type FaultSettings,
  HttpError,
  queryString,
  type RunningSimulator,
  SHARED_METERING_POINTS,
  seededRandom,
  startSimulator,
  TokenIssuer,
  uuidFromSeed,
  faultsFromEnv,
} from '../../shared/simulator/index.js';
import type { SimulatorForSubgraph, SimulatorPlacement } from '../../shared/subgraph/provider.js';
import { numberInRange, readConfig } from '../../shared/subgraph/config.js';

/**
 * A local Volue Energy Coordination API (Spark). Registration follows the seed's Quickstart generation
 * (late 2023: users, vehicles, meters, resources under /users/:userId); events, webhooks, reports,
 * pagination and errors follow the current partner OpenAPI (2026-01). Auth is OAuth2 client credentials
 * at `/connect/token` (the identity server, served by the same process here). What is confirmed and
 * what is inferred is listed in CONTRACT.md next to this file.
 */

export const VOLUE_API_BASE_PATH = '/energy-coordination/v1';
export const VOLUE_TOKEN_PATH = '/connect/token';
export const VOLUE_SIMULATOR_CLIENT_ID = 'gridgraph-volue-simulator';
export const VOLUE_SIMULATOR_CLIENT_SECRET = 'gridgraph-volue-simulator-secret';
/** Volue's docs say tokens live an hour (the seed said 30 minutes). */
export const VOLUE_DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

export const RESOURCE_TYPES = ['Generic', 'Vehicle', 'Charger', 'HotWaterTank', 'HVAC', 'SolarInverter'] as const;
export const LOCATION_TYPES = ['Unknown', 'Residential', 'Commercial', 'Other'] as const;
export const NOTIFICATION_TYPES = [
  'Unknown',
  'PriceCurveCreated',
  'UserEligibilityUpdated',
  'LocationLPCRequested',
  'ResourceLPCRequested',
  'LPCReservationCreated',
] as const;
const REPORT_PAYLOAD_TYPES = ['EnergyUsage', 'LocationEnergyUsage'] as const;
const PRICE_AREAS = ['NO1', 'NO2', 'NO3', 'NO4', 'NO5', 'SE3', 'FI', 'DK1'] as const;
const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 100;
const WEBHOOK_TIMEOUT_MS = 5_000;
const HOUR_MS = 3_600_000;

export interface VolueSimulatorOptions {
  port?: number;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  /** Seconds an access token lives (tests shorten it to make a token expire). */
  tokenLifetimeSeconds?: number;
  faults?: Partial<FaultSettings>;
  /** The simulator's clock (token expiry, timestamps of created objects). */
  now?: () => Date;
}

export interface VolueEventPayload {
  payloadType: string;
  [field: string]: unknown;
}

export interface VolueSimulatorEvent {
  id: string;
  createdAt: string;
  payload: VolueEventPayload;
}

export interface VolueNotificationDelivery {
  webhookId: string;
  notificationId: string;
  url: string;
  signature: string | null;
  responseStatusCode: number | null;
}

export interface VolueSimulator extends RunningSimulator {
  /** The identity server's token URL (`<url>/connect/token`). */
  tokenUrl: string;
  /** The API base URL (`<url>/energy-coordination/v1`). */
  apiUrl: string;
  tokens: TokenIssuer<string>;
  /** Creates an event (as Volue's simulation routes do) and delivers it to every matching webhook. */
  createEvent(payloadType: 'PriceCurve' | 'UserEligibility'): Promise<VolueSimulatorEvent>;
  /** Reports received by POST /reports, oldest first. */
  reports(): Array<{ id: string; eventId: string | null; createdAt: string; payloads: unknown[] }>;
  /** Every webhook delivery attempted, oldest first. */
  deliveries(): VolueNotificationDelivery[];
}

interface Address {
  street?: string;
  city?: string;
  zipCode?: string;
}

interface Meter {
  meterId: string;
  userId: string;
  address: Address;
  location: { latitude: number; longitude: number } | null;
  meterPointId: string;
  meterNumber: string | null;
  locationType: (typeof LOCATION_TYPES)[number];
}

interface Vehicle {
  id: string;
  userId: string;
  vehicleId: string;
  metadata: Record<string, unknown>;
}

interface Resource {
  id: string;
  userId: string;
  resourceId: string;
  metadata: Record<string, unknown>;
}

interface User {
  userId: string;
  createdAt: string;
  meters: Map<string, Meter>;
  vehicles: Map<string, Vehicle>;
  resources: Map<string, Resource>;
}

interface Webhook {
  webhookId: string;
  webhookUrl: string;
  name: string | null;
  webhookSecret: string | null;
  notificationTypes: string[];
  enabled: boolean;
  status: 'New' | 'Healthy' | 'Unhealthy' | 'TimeOut';
  createdDate: string;
  modifiedDate: string;
  lastAnalyzedTimestamp: string;
}

interface Store {
  users: Map<string, User>;
  /** Newest first. */
  events: VolueSimulatorEvent[];
  webhooks: Map<string, Webhook>;
  reports: Array<{ id: string; eventId: string | null; createdAt: string; payloads: unknown[] }>;
  deliveries: VolueNotificationDelivery[];
  created: number;
}

/** A 400 in the shape ASP.NET gives validation failures: problem+json with an `errors` map. */
class ValidationProblem extends HttpError {
  constructor(readonly errors: Record<string, string[]>) {
    super(400, 'One or more validation errors occurred.');
  }
}

/** A 400 whose body is a plain JSON string, as the spec declares for POST /reports and POST /users. */
class StringBodyError extends HttpError {}

const log = createLogger('volue-simulator');

export async function startVolueSimulator(options: VolueSimulatorOptions = {}): Promise<VolueSimulator> {
  const clientId = options.clientId ?? VOLUE_SIMULATOR_CLIENT_ID;
  const clientSecret = options.clientSecret ?? VOLUE_SIMULATOR_CLIENT_SECRET;
  const now = options.now ?? (() => new Date());
  const tokens = new TokenIssuer<string>(options.tokenLifetimeSeconds ?? VOLUE_DEFAULT_TOKEN_LIFETIME_SECONDS, () => now().getTime());
  let store = seedStore();

  const requireBearer: RequestHandler = (req, _res, next) => {
    tokens.requireBearer(req);
    next();
  };

  function nextId(kind: string): string {
    store.created += 1;
    return uuidFromSeed(`volue:created:${kind}:${store.created}`);
  }

  function user(req: Request): User {
    const found = store.users.get(String(req.params.userId));
    if (!found) throw new HttpError(404, `User ${String(req.params.userId)} not found`);
    return found;
  }

  async function deliver(webhook: Webhook, notification: Record<string, unknown>): Promise<VolueNotificationDelivery> {
    const body = JSON.stringify(notification);
    const signature = webhook.webhookSecret ? signPayload(body, webhook.webhookSecret) : null;
    const delivery: VolueNotificationDelivery = {
      webhookId: webhook.webhookId,
      notificationId: String(notification.notificationId),
      url: webhook.webhookUrl,
      signature,
      responseStatusCode: null,
    };
    store.deliveries.push(delivery);
    try {
      const response = await fetch(webhook.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature ? { 'x-payload-signature': signature } : {}) },
        body,
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      delivery.responseStatusCode = response.status;
      webhook.status = response.ok ? 'Healthy' : 'Unhealthy';
    } catch (error) {
      webhook.status = (error as Error).name === 'TimeoutError' ? 'TimeOut' : 'Unhealthy';
      log.warn(`webhook ${webhook.webhookId} to ${webhook.webhookUrl} failed: ${(error as Error).message}`);
    }
    webhook.lastAnalyzedTimestamp = stamp(now());
    return delivery;
  }

  function notificationFor(event: VolueSimulatorEvent): Record<string, unknown> {
    return {
      notificationId: randomUUID(),
      eventId: event.id,
      eventCreatedAtUtc: event.createdAt,
      notificationSentUtc: stamp(now()),
      notificationType: NOTIFICATION_TYPE_OF[event.payload.payloadType] ?? 'Unknown',
      payload: event.payload,
    };
  }

  async function createEvent(payloadType: 'PriceCurve' | 'UserEligibility'): Promise<VolueSimulatorEvent> {
    const id = nextId('event');
    const at = now();
    const event: VolueSimulatorEvent = {
      id,
      createdAt: stamp(at),
      payload: payloadType === 'PriceCurve' ? priceCurvePayload(id, at) : userEligibilityPayload(store, at),
    };
    store.events.unshift(event);
    const type = NOTIFICATION_TYPE_OF[payloadType];
    const targets = [...store.webhooks.values()].filter(
      (webhook) => webhook.enabled && (webhook.notificationTypes.length === 0 || webhook.notificationTypes.includes(type!)),
    );
    await Promise.all(targets.map((webhook) => deliver(webhook, notificationFor(event))));
    return event;
  }

  function configure(app: Express): void {
    // Identity server: OAuth2 client credentials (form body), answered in IdentityServer's shapes.
    app.post(VOLUE_TOKEN_PATH, (req, res) => {
      const form = (req.body ?? {}) as Record<string, unknown>;
      if (!req.is('application/x-www-form-urlencoded')) {
        res.status(400).json({ error: 'invalid_request', error_description: 'Send a form body (application/x-www-form-urlencoded)' });
        return;
      }
      if (form.grant_type !== 'client_credentials') {
        res.status(400).json({ error: 'unsupported_grant_type' });
        return;
      }
      if (form.client_id !== clientId || form.client_secret !== clientSecret) {
        res.status(400).json({ error: 'invalid_client' });
        return;
      }
      const issued = tokens.issue(clientId);
      res.json({ access_token: issued.token, expires_in: issued.expiresInSeconds, token_type: 'Bearer', scope: 'energy-coordination' });
    });

    const base = VOLUE_API_BASE_PATH;

    // Users (seed: POST /users {userId}; GET is the current API's)

    app.get(`${base}/users`, requireBearer, (req, res) => {
      const { items, pagination } = paginate(req, [...store.users.values()]);
      res.json({ pagination, users: items.map((u) => ({ userId: u.userId })) });
    });

    app.post(`${base}/users`, requireBearer, (req, res) => {
      const body = bodyObject(req);
      const userId = body.userId;
      if (typeof userId !== 'string' || !userId.trim()) throw new StringBodyError(400, 'userId is required');
      if (store.users.has(userId)) throw new HttpError(409, `A user with userId ${userId} already exists`);
      store.users.set(userId, newUser(userId, stamp(now())));
      res.status(201).json({ userId });
    });

    app.get(`${base}/users/:userId`, requireBearer, (req, res) => {
      res.json({ userId: user(req).userId });
    });

    // Vehicles (seed: { vehicleId, metadata: { resourceType: "Vehicle", brand, model, year, vin } })

    app.get(`${base}/users/:userId/vehicles`, requireBearer, (req, res) => {
      res.json([...user(req).vehicles.values()]);
    });

    app.get(`${base}/users/:userId/vehicles/:vehicleId`, requireBearer, (req, res) => {
      res.json(item(user(req).vehicles, req.params.vehicleId, 'Vehicle'));
    });

    app.post(`${base}/users/:userId/vehicles`, requireBearer, (req, res) => {
      const owner = user(req);
      const body = bodyObject(req);
      const errors: Record<string, string[]> = {};
      const vehicleId = requiredString(body, 'vehicleId', errors);
      const metadata = metadataObject(body, errors);
      if (metadata) {
        if (metadata.resourceType !== 'Vehicle')
          addError(errors, 'metadata.resourceType', 'The resourceType of a vehicle must be Vehicle.');
        for (const key of ['brand', 'model', 'vin'] as const) optionalString(metadata, key, errors, 'metadata.');
        if (
          metadata.year !== undefined &&
          !(Number.isInteger(metadata.year) && (metadata.year as number) >= 1900 && (metadata.year as number) <= 2100)
        ) {
          addError(errors, 'metadata.year', 'The year must be a whole number from 1900 to 2100.');
        }
      }
      throwIfInvalid(errors);
      if (owner.vehicles.has(vehicleId!)) throw new HttpError(409, `Vehicle ${vehicleId} already exists for user ${owner.userId}`);
      const vehicle: Vehicle = { id: nextId('vehicle'), userId: owner.userId, vehicleId: vehicleId!, metadata: metadata! };
      owner.vehicles.set(vehicle.vehicleId, vehicle);
      res.status(201).json(vehicle);
    });

    // Meters (seed: { address, location, meterPointId, meterNumber, locationType }; answers a meterId)

    app.get(`${base}/users/:userId/meters`, requireBearer, (req, res) => {
      res.json([...user(req).meters.values()]);
    });

    app.get(`${base}/users/:userId/meters/:meterId`, requireBearer, (req, res) => {
      const meter = [...user(req).meters.values()].find((m) => m.meterId === req.params.meterId);
      if (!meter) throw new HttpError(404, `Meter ${String(req.params.meterId)} not found`);
      res.json(meter);
    });

    app.post(`${base}/users/:userId/meters`, requireBearer, (req, res) => {
      const owner = user(req);
      const body = bodyObject(req);
      const errors: Record<string, string[]> = {};
      const meterPointId = requiredString(body, 'meterPointId', errors);
      const meterNumber = optionalString(body, 'meterNumber', errors);
      const locationType = body.locationType ?? 'Unknown';
      if (!LOCATION_TYPES.includes(locationType as never))
        addError(errors, 'locationType', `The locationType must be one of ${LOCATION_TYPES.join(', ')}.`);
      const address = addressObject(body, errors);
      const location = coordinates(body, errors);
      throwIfInvalid(errors);
      if (owner.meters.has(meterPointId!))
        throw new HttpError(409, `A meter with meterPointId ${meterPointId} already exists for user ${owner.userId}`);
      const meter: Meter = {
        meterId: nextId('meter'),
        userId: owner.userId,
        address,
        location,
        meterPointId: meterPointId!,
        meterNumber: meterNumber ?? null,
        locationType: locationType as Meter['locationType'],
      };
      owner.meters.set(meter.meterPointId, meter);
      res.status(201).json(meter);
    });

    // Resources (seed: { resourceId, metadata: { resourceType, …type-specific fields } })

    app.get(`${base}/users/:userId/resources`, requireBearer, (req, res) => {
      res.json({ resources: [...user(req).resources.values()] });
    });

    app.get(`${base}/users/:userId/resources/:resourceId`, requireBearer, (req, res) => {
      res.json(item(user(req).resources, req.params.resourceId, 'Resource'));
    });

    app.post(`${base}/users/:userId/resources`, requireBearer, (req, res) => {
      const owner = user(req);
      const body = bodyObject(req);
      const errors: Record<string, string[]> = {};
      const resourceId = requiredString(body, 'resourceId', errors);
      const metadata = metadataObject(body, errors);
      if (metadata) {
        if (!RESOURCE_TYPES.includes(metadata.resourceType as never)) {
          addError(errors, 'metadata.resourceType', `The resourceType must be one of ${RESOURCE_TYPES.join(', ')}.`);
        }
        if (metadata.capacity !== undefined && !(typeof metadata.capacity === 'number' && metadata.capacity > 0)) {
          addError(errors, 'metadata.capacity', 'The capacity must be a positive number.');
        }
        const elements = metadata.heatingElements;
        if (elements !== undefined && !(Array.isArray(elements) && elements.every((watts) => typeof watts === 'number' && watts > 0))) {
          addError(errors, 'metadata.heatingElements', 'heatingElements must be a list of positive numbers (watts).');
        }
      }
      throwIfInvalid(errors);
      if (owner.resources.has(resourceId!)) throw new HttpError(409, `Resource ${resourceId} already exists for user ${owner.userId}`);
      const resource: Resource = { id: nextId('resource'), userId: owner.userId, resourceId: resourceId!, metadata: metadata! };
      owner.resources.set(resource.resourceId, resource);
      res.status(201).json(resource);
    });

    // Events (current API: paginated, newest first)

    app.get(`${base}/events`, requireBearer, (req, res) => {
      const { items, pagination } = paginate(req, store.events);
      res.json({ pagination, events: items });
    });

    app.get(`${base}/events/:eventId`, requireBearer, (req, res) => {
      const event = store.events.find((e) => e.id === req.params.eventId);
      if (!event) {
        res.status(404).end(); // the spec declares a bodiless 404
        return;
      }
      res.json(event);
    });

    app.post(`${base}/simulation/events/pricecurve`, requireBearer, async (_req, res) => {
      res.json({ simulatedEvent: await createEvent('PriceCurve') });
    });

    app.post(`${base}/simulation/events/usereligibility`, requireBearer, async (_req, res) => {
      res.json({ simulatedEvent: await createEvent('UserEligibility') });
    });

    // Webhooks (current API)

    app.get(`${base}/webhooks`, requireBearer, (_req, res) => {
      res.json({ webhooks: [...store.webhooks.values()].map(webhookView) });
    });

    app.post(`${base}/webhooks`, requireBearer, (req, res) => {
      const body = bodyObject(req);
      const errors: Record<string, string[]> = {};
      const fields = webhookFields(body, errors, true);
      throwIfInvalid(errors);
      const at = stamp(now());
      const webhook: Webhook = {
        webhookId: nextId('webhook'),
        webhookUrl: fields.webhookUrl!,
        name: fields.name ?? null,
        webhookSecret: fields.webhookSecret ?? null,
        notificationTypes: fields.notificationTypes ?? [],
        enabled: true,
        status: 'New',
        createdDate: at,
        modifiedDate: at,
        lastAnalyzedTimestamp: at,
      };
      store.webhooks.set(webhook.webhookId, webhook);
      res.status(201).json(webhookView(webhook));
    });

    app.get(`${base}/webhooks/:webhookId`, requireBearer, (req, res) => {
      res.json(webhookView(webhookOf(req)));
    });

    const update = (replace: boolean) => (req: Request, res: Response) => {
      const webhook = webhookOf(req);
      const body = bodyObject(req);
      const errors: Record<string, string[]> = {};
      const fields = webhookFields(body, errors, replace);
      if (body.enabled !== undefined && body.enabled !== null && typeof body.enabled !== 'boolean')
        addError(errors, 'enabled', 'enabled must be true or false.');
      throwIfInvalid(errors);
      if (replace) {
        Object.assign(webhook, {
          webhookUrl: fields.webhookUrl!,
          name: fields.name ?? null,
          webhookSecret: fields.webhookSecret ?? null,
          notificationTypes: fields.notificationTypes ?? [],
          enabled: typeof body.enabled === 'boolean' ? body.enabled : webhook.enabled,
        });
      } else {
        for (const [key, value] of Object.entries(fields)) if (value !== undefined) Object.assign(webhook, { [key]: value });
        if (typeof body.enabled === 'boolean') webhook.enabled = body.enabled;
      }
      webhook.modifiedDate = stamp(now());
      res.json(webhookView(webhook));
    };
    app.put(`${base}/webhooks/:webhookId`, requireBearer, update(true));
    app.patch(`${base}/webhooks/:webhookId`, requireBearer, update(false));

    app.delete(`${base}/webhooks/:webhookId`, requireBearer, (req, res) => {
      const webhook = webhookOf(req);
      store.webhooks.delete(webhook.webhookId);
      res.status(204).end();
    });

    // The seed's "POST /webhooks/:id/test sends a test event"; the answer's shape is inferred.
    app.post(`${base}/webhooks/:webhookId/test`, requireBearer, async (req, res) => {
      const webhook = webhookOf(req);
      const at = stamp(now());
      const notification = {
        notificationId: randomUUID(),
        eventId: randomUUID(),
        eventCreatedAtUtc: at,
        notificationSentUtc: at,
        notificationType: 'UserEligibilityUpdated',
        payload: { lastUpdated: at, addedUsers: [], removedUsers: [], payloadType: 'UserEligibility' },
      };
      const delivery = await deliver(webhook, notification);
      res.json({
        webhookId: webhook.webhookId,
        notificationId: delivery.notificationId,
        eventId: notification.eventId,
        responseStatusCode: delivery.responseStatusCode,
      });
    });

    // Reports (current API)

    app.post(`${base}/reports`, requireBearer, (req, res) => {
      const body = bodyObject(req);
      const eventId = body.eventId ?? null;
      if (eventId !== null && typeof eventId !== 'string') throw new StringBodyError(400, 'eventId must be a string');
      if (eventId !== null && !store.events.some((event) => event.id === eventId))
        throw new StringBodyError(400, `Event ${eventId} not found`);
      if (!Array.isArray(body.payloads) || body.payloads.length === 0) throw new StringBodyError(400, 'payloads must be a non-empty list');
      body.payloads.forEach((payload, index) => checkReportPayload(payload, index));
      const report = {
        id: nextId('report'),
        eventId: eventId as string | null,
        createdAt: stamp(now()),
        payloads: body.payloads as unknown[],
      };
      store.reports.push(report);
      res.json({ id: report.id, eventId: report.eventId, createdAt: report.createdAt });
    });

    // Errors in Volue's shapes: problem+json (with `errors` on validation), or a JSON string where the
    // spec declares one. Registered last, so it sees the errors of every route above.
    const renderVolueError: ErrorRequestHandler = (error, _req, res, next) => {
      if (!(error instanceof HttpError) || res.headersSent) return next(error);
      if (error instanceof StringBodyError) {
        res.status(error.status).json(error.message);
        return;
      }
      if (error.status === 401) res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      const problem: Record<string, unknown> = {
        type: `https://tools.ietf.org/html/rfc9110#section-15.5.${PROBLEM_SECTION[error.status] ?? 1}`,
        title: error instanceof ValidationProblem ? error.message : (STATUS_TITLES[error.status] ?? 'Error'),
        status: error.status,
        ...(error instanceof ValidationProblem ? { errors: error.errors } : { detail: error.message }),
      };
      res.status(error.status).type('application/problem+json').send(JSON.stringify(problem));
    };
    app.use(renderVolueError);
  }

  function webhookOf(req: Request): Webhook {
    const webhook = store.webhooks.get(String(req.params.webhookId));
    if (!webhook) throw new HttpError(404, `Webhook ${String(req.params.webhookId)} not found`);
    return webhook;
  }

  const simulator = await startSimulator({
    name: 'volue',
    port: options.port,
    host: options.host,
    faults: options.faults,
    configure,
    onReset: () => {
      store = seedStore();
    },
    errorBody: (status, message) => ({ type: 'about:blank', title: STATUS_TITLES[status] ?? 'Error', status, detail: message }),
  });

  return Object.assign(simulator, {
    tokenUrl: `${simulator.url}${VOLUE_TOKEN_PATH}`,
    apiUrl: `${simulator.url}${VOLUE_API_BASE_PATH}`,
    tokens,
    createEvent,
    reports: () => store.reports,
    deliveries: () => store.deliveries,
  });
}

/** `X-Payload-Signature` as Volue computes it: Base64(HMAC-SHA256(raw body, webhookSecret)). */
export function signPayload(rawBody: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

const NOTIFICATION_TYPE_OF: Record<string, string> = {
  PriceCurve: 'PriceCurveCreated',
  UserEligibility: 'UserEligibilityUpdated',
  LocationLPC: 'LocationLPCRequested',
  ResourceLPC: 'ResourceLPCRequested',
  LPCReservation: 'LPCReservationCreated',
};
const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
};
const PROBLEM_SECTION: Record<number, number> = { 400: 1, 401: 2, 404: 5, 409: 10, 429: 14 };

function webhookView(webhook: Webhook) {
  const { webhookSecret: _secret, ...view } = webhook; // the secret is never answered
  return view;
}

function webhookFields(body: Record<string, unknown>, errors: Record<string, string[]>, urlRequired: boolean) {
  const webhookUrl = urlRequired ? requiredString(body, 'webhookUrl', errors) : optionalString(body, 'webhookUrl', errors);
  if (webhookUrl !== undefined && !/^https?:\/\/\S+$/.test(webhookUrl))
    addError(errors, 'webhookUrl', 'webhookUrl must be an http(s) URL.');
  const name = optionalString(body, 'name', errors);
  const webhookSecret = optionalString(body, 'webhookSecret', errors);
  let notificationTypes: string[] | undefined;
  if (body.notificationTypes !== undefined && body.notificationTypes !== null) {
    if (!Array.isArray(body.notificationTypes) || !body.notificationTypes.every((type) => NOTIFICATION_TYPES.includes(type))) {
      addError(errors, 'notificationTypes', `Each notificationType must be one of ${NOTIFICATION_TYPES.join(', ')}.`);
    } else {
      notificationTypes = body.notificationTypes as string[];
    }
  }
  return { webhookUrl, name, webhookSecret, notificationTypes };
}

function checkReportPayload(payload: unknown, index: number): void {
  const where = `payloads[${index}]`;
  if (!payload || typeof payload !== 'object') throw new StringBodyError(400, `${where} must be an object`);
  const p = payload as Record<string, unknown>;
  if (!REPORT_PAYLOAD_TYPES.includes(p.payloadType as never)) {
    throw new StringBodyError(400, `${where}.payloadType must be one of ${REPORT_PAYLOAD_TYPES.join(', ')}`);
  }
  const required = p.payloadType === 'EnergyUsage' ? ['resourceId'] : ['locationId', 'meterPointId'];
  for (const key of required) if (typeof p[key] !== 'string' || !p[key]) throw new StringBodyError(400, `${where}.${key} is required`);
  if (p.resolution !== '01:00:00') throw new StringBodyError(400, `${where}.resolution must be 01:00:00 (only hourly is supported)`);
  if (!Array.isArray(p.points)) throw new StringBodyError(400, `${where}.points must be a list`);
  p.points.forEach((point: unknown, i: number) => {
    const { timestamp, kiloWattHours } = (point ?? {}) as Record<string, unknown>;
    const at = typeof timestamp === 'string' ? DateTime.fromISO(timestamp, { setZone: true }) : undefined;
    if (!at?.isValid || at.offset !== 0 || at.toMillis() % HOUR_MS !== 0) {
      throw new StringBodyError(400, `${where}.points[${i}].timestamp must be UTC at the start of an hour (yyyy-MM-ddTHH:00:00.000Z)`);
    }
    if (typeof kiloWattHours !== 'number' || !Number.isFinite(kiloWattHours) || kiloWattHours < 0) {
      throw new StringBodyError(400, `${where}.points[${i}].kiloWattHours must be a number ≥ 0`);
    }
  });
}

function paginate<T>(req: Request, all: T[]) {
  const errors: Record<string, string[]> = {};
  const page = wholeQuery(req, 'page', 1, errors);
  const pageSize = wholeQuery(req, 'pageSize', DEFAULT_PAGE_SIZE, errors);
  if (pageSize > MAX_PAGE_SIZE) addError(errors, 'pageSize', `The maximum pageSize is ${MAX_PAGE_SIZE}.`);
  throwIfInvalid(errors);
  const totalPages = Math.ceil(all.length / pageSize);
  return {
    items: all.slice((page - 1) * pageSize, page * pageSize),
    pagination: {
      totalRecords: all.length,
      pageSize,
      currentPage: page,
      totalPages,
      nextPage: page < totalPages ? page + 1 : null,
      previousPage: page > 1 ? Math.min(page - 1, Math.max(totalPages, 1)) : null,
    },
  };
}

function wholeQuery(req: Request, name: string, fallback: number, errors: Record<string, string[]>): number {
  const value = queryString(req, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    addError(errors, name, `The value '${value}' is not valid for ${name}; it must be a whole number ≥ 1.`);
    return fallback;
  }
  return Number(value);
}

function addError(errors: Record<string, string[]>, field: string, message: string): void {
  (errors[field] ??= []).push(message);
}

function throwIfInvalid(errors: Record<string, string[]>): void {
  if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
}

function requiredString(body: Record<string, unknown>, name: string, errors: Record<string, string[]>): string | undefined {
  const value = body[name];
  if (typeof value !== 'string' || !value.trim()) {
    addError(errors, name, `The ${name} field is required.`);
    return undefined;
  }
  return value;
}

function optionalString(body: Record<string, unknown>, name: string, errors: Record<string, string[]>, prefix = ''): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    addError(errors, `${prefix}${name}`, `The ${name} field must be a string.`);
    return undefined;
  }
  return value;
}

function metadataObject(body: Record<string, unknown>, errors: Record<string, string[]>): Record<string, unknown> | undefined {
  const metadata = body.metadata;
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) {
    addError(errors, 'metadata', 'The metadata field is required and must be an object with a resourceType.');
    return undefined;
  }
  return metadata as Record<string, unknown>;
}

function addressObject(body: Record<string, unknown>, errors: Record<string, string[]>): Address {
  const address = body.address;
  if (address === undefined || address === null) return {};
  if (typeof address !== 'object' || Array.isArray(address)) {
    addError(errors, 'address', 'The address must be an object with street, city and zipCode.');
    return {};
  }
  const out: Address = {};
  for (const key of ['street', 'city', 'zipCode'] as const) {
    const value = optionalString(address as Record<string, unknown>, key, errors, 'address.');
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function coordinates(body: Record<string, unknown>, errors: Record<string, string[]>): Meter['location'] {
  const location = body.location;
  if (location === undefined || location === null) return null;
  const { latitude, longitude } = (typeof location === 'object' ? location : {}) as Record<string, unknown>;
  if (typeof latitude !== 'number' || latitude < -90 || latitude > 90)
    addError(errors, 'location.latitude', 'The latitude must be a number from -90 to 90.');
  if (typeof longitude !== 'number' || longitude < -180 || longitude > 180) {
    addError(errors, 'location.longitude', 'The longitude must be a number from -180 to 180.');
  }
  return { latitude: latitude as number, longitude: longitude as number };
}

function item<T>(map: Map<string, T>, id: unknown, kind: string): T {
  const found = map.get(String(id));
  if (!found) throw new HttpError(404, `${kind} ${String(id)} not found`);
  return found;
}

/** Timestamps as Volue writes them: ISO 8601 in UTC with an explicit +00:00 offset. */
function stamp(date: Date): string {
  return DateTime.fromJSDate(date, { zone: 'utc' }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'+00:00'");
}

function newUser(userId: string, createdAt: string): User {
  return { userId, createdAt, meters: new Map(), vehicles: new Map(), resources: new Map() };
}

function priceCurvePayload(seed: string, at: Date): VolueEventPayload {
  const random = seededRandom(`volue:price:${seed}`);
  const start = Math.ceil(at.getTime() / HOUR_MS) * HOUR_MS;
  return {
    targets: [{ resourceId: SEED_RESOURCE_ID, locationId: uuidFromSeed('volue:location:home') }],
    priceCurveDelta: {
      points: Array.from({ length: 24 }, (_, hour) => ({
        price: Math.round(random() * 10_000) / 10_000,
        timestamp: stamp(new Date(start + hour * HOUR_MS)),
      })),
      energyUnit: 'kWh',
      currency: 'NOK',
      resolution: '01:00:00',
    },
    priceArea: PRICE_AREAS[Math.floor(random() * PRICE_AREAS.length)],
    payloadType: 'PriceCurve',
  };
}

function userEligibilityPayload(store: Store, at: Date): VolueEventPayload {
  return { lastUpdated: stamp(at), addedUsers: [...store.users.keys()].slice(0, 1), removedUsers: [], payloadType: 'UserEligibility' };
}

// Seed: three users, whose meters include the shared metering points Volue knows (an office, a home
// with an EV, Openvolt's test MPAN), and three past events.

export const SEED_USER_IDS = {
  home: '3880a832-64c2-4b6f-9f0e-0c7a7f1d5a01',
  office: '3880a832-64c2-4b6f-9f0e-0c7a7f1d5a02',
  cabin: '3880a832-64c2-4b6f-9f0e-0c7a7f1d5a03',
} as const;
export const SEED_NORWEGIAN_MPID = '707057500012345678';
const SEED_RESOURCE_ID = 'oso-supertank-0001';

function seedStore(): Store {
  const store: Store = { users: new Map(), events: [], webhooks: new Map(), reports: [], deliveries: [], created: 0 };
  const created = '2023-11-16T09:00:00.000+00:00';
  const home = newUser(SEED_USER_IDS.home, created);
  const office = newUser(SEED_USER_IDS.office, created);
  const cabin = newUser(SEED_USER_IDS.cabin, created);
  for (const u of [home, office, cabin]) store.users.set(u.userId, u);

  const meter = (owner: User, key: string, fields: Omit<Meter, 'meterId' | 'userId'>) =>
    owner.meters.set(fields.meterPointId, { meterId: uuidFromSeed(`volue:seed:meter:${key}`), userId: owner.userId, ...fields });
  meter(home, 'home', {
    address: { street: 'Keizersgracht 123', city: 'Amsterdam', zipCode: '1015 CJ' },
    location: { latitude: 52.3731, longitude: 4.8862 },
    meterPointId: SHARED_METERING_POINTS.homeEan,
    meterNumber: 'E0051000012345678',
    locationType: 'Residential',
  });
  meter(office, 'office', {
    // The office UMeter and Openvolt know by the same EAN.
    address: { street: 'Catharijnesingel 47', city: 'Utrecht', zipCode: '3511 GC' },
    location: { latitude: 52.0893, longitude: 5.1107 },
    meterPointId: SHARED_METERING_POINTS.officeEan,
    meterNumber: 'E0053000098765432',
    locationType: 'Commercial',
  });
  meter(office, 'london', {
    address: { street: '1 Test Street', city: 'London', zipCode: 'EC1A 1BB' },
    location: { latitude: 51.5202, longitude: -0.0979 },
    meterPointId: SHARED_METERING_POINTS.testMpan,
    meterNumber: 'S95A123456',
    locationType: 'Commercial',
  });
  meter(cabin, 'cabin', {
    address: { street: 'Fjellveien 7', city: 'Sotra', zipCode: '5363' },
    location: { latitude: 60.52485052347296, longitude: 5.060012082871939 },
    meterPointId: SEED_NORWEGIAN_MPID,
    meterNumber: '6970631401234567',
    locationType: 'Residential',
  });
  home.vehicles.set('tesla-model-3-0001', {
    id: uuidFromSeed('volue:seed:vehicle:1'),
    userId: home.userId,
    vehicleId: 'tesla-model-3-0001',
    metadata: { resourceType: 'Vehicle', brand: 'Tesla', model: 'Model 3', year: 2022, vin: '5YJ3E1EA7NF000001' },
  });
  home.resources.set(SEED_RESOURCE_ID, {
    id: uuidFromSeed('volue:seed:resource:1'),
    userId: home.userId,
    resourceId: SEED_RESOURCE_ID,
    metadata: { resourceType: 'HotWaterTank', brand: 'Oso', model: 'SuperTank', capacity: 500, heatingElements: [1750, 1250] },
  });

  const day = (n: number) => new Date(Date.UTC(2026, 0, n, 12));
  store.events = [
    { id: uuidFromSeed('volue:seed:event:3'), createdAt: stamp(day(20)), payload: priceCurvePayload('seed-3', day(20)) },
    { id: uuidFromSeed('volue:seed:event:2'), createdAt: stamp(day(19)), payload: userEligibilityPayload(store, day(19)) },
    { id: uuidFromSeed('volue:seed:event:1'), createdAt: stamp(day(18)), payload: priceCurvePayload('seed-1', day(18)) },
  ];
  return store;
}

/** The webhook secret the subgraph uses with the simulator when VOLUE_WEBHOOK_SECRET is unset. */
export const VOLUE_SIMULATOR_WEBHOOK_SECRET = 'gridgraph-volue-simulator-webhook-secret';

/** The simulator's own settings. */
export const settings = {
  VOLUE_SIM_TOKEN_LIFETIME_S: numberInRange(
    1,
    86_400,
  )({ default: VOLUE_DEFAULT_TOKEN_LIFETIME_SECONDS, desc: 'Lifetime of the simulator’s access tokens' }),
};

/** For the kit (shared/subgraph/provider.ts): the simulator a subgraph without VOLUE_API_URL runs against. */
export async function startForSubgraph(env: NodeJS.ProcessEnv, { host, port, now }: SimulatorPlacement): Promise<SimulatorForSubgraph> {
  const clientId = env.VOLUE_CLIENT_ID || VOLUE_SIMULATOR_CLIENT_ID;
  const clientSecret = env.VOLUE_CLIENT_SECRET || VOLUE_SIMULATOR_CLIENT_SECRET;
  const simulator = await startVolueSimulator({
    host,
    port,
    clientId,
    clientSecret,
    tokenLifetimeSeconds: readConfig(settings, env).VOLUE_SIM_TOKEN_LIFETIME_S,
    now: now && (() => new Date(now())),
    faults: faultsFromEnv('VOLUE', env),
  });
  return {
    simulator,
    env: {
      VOLUE_API_URL: simulator.apiUrl,
      VOLUE_TOKEN_URL: simulator.tokenUrl,
      VOLUE_CLIENT_ID: clientId,
      VOLUE_CLIENT_SECRET: clientSecret,
      VOLUE_WEBHOOK_SECRET: env.VOLUE_WEBHOOK_SECRET || VOLUE_SIMULATOR_WEBHOOK_SECRET,
    },
  };
}
