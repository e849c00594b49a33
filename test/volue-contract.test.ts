import { readFileSync } from 'node:fs';
import { Ajv, type AnySchema } from 'ajv';
import ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VolueClient } from '../subgraphs/volue/client.js';
import { VOLUE_API_BASE_PATH, VOLUE_TOKEN_PATH } from '../subgraphs/volue/contract.js';
import {
  VOLUE_SIMULATOR_CLIENT_ID,
  VOLUE_SIMULATOR_CLIENT_SECRET,
  startVolueSimulator,
  type VolueSimulator,
} from '../subgraphs/volue/simulator/index.js';
import { SEED_HEAT_PUMP_ID, SEED_LOCATION_IDS, SEED_NORWEGIAN_MPID, SEED_USER_IDS } from '../subgraphs/volue/simulator/seed.js';

/**
 * The Volue simulator and connector against Volue's partner OpenAPI (2026-01, a copy in test/fixtures):
 * every path and method of the spec is served by the simulator (its route, not the not-found fallback)
 * with a status the spec declares and a body that validates against the spec's schema; error answers
 * have the declared shapes (problem+json, a JSON string, or no body); and every request the connector
 * sends, one for each operation of the spec, validates against the operation's request schema.
 */

type Json = any; // response bodies: their shape is what the schemas check

const SPEC_ID = 'https://api.sandbox.voluespark.com/energy-coordination/v1/swagger/Partner/swagger.json';
const spec = normalise(JSON.parse(readFileSync(new URL('./fixtures/volue-partner-openapi-2026-01.json', import.meta.url), 'utf8')));

/**
 * The only changes made to the spec, neither of which loosens it: Swashbuckle writes derived payloads as
 * `allOf: [base]` plus `additionalProperties: false` on both, which JSON Schema reads as "no property
 * allowed but payloadType" — so each derived schema gets its base's properties merged in instead; and
 * the discriminator mapping becomes a `const` payloadType, so `oneOf` picks exactly one payload schema;
 * where the base itself is referenced (EventNotification.payload) it stands for one of its mapped types.
 */
function normalise(raw: Json): Json {
  const schemas = raw.components.schemas;
  for (const [name, schema] of Object.entries<Json>(schemas)) {
    if (!Array.isArray(schema.allOf)) continue;
    const base = schemas[schema.allOf[0].$ref.split('/').pop()];
    const payloadType = Object.entries<string>(base.discriminator?.mapping ?? {}).find(([, ref]) => ref.endsWith(`/${name}`))?.[0];
    schema.properties = { ...base.properties, ...schema.properties, ...(payloadType ? { payloadType: { const: payloadType } } : {}) };
    delete schema.allOf;
  }
  for (const [name, schema] of Object.entries<Json>(schemas)) {
    const mapping = schema.discriminator?.mapping as Record<string, string> | undefined;
    if (mapping) schemas[name] = { oneOf: Object.values(mapping).map((ref) => ({ $ref: ref })) };
  }
  return raw;
}

/** Every operation of the spec, as `METHOD /path/{param}`. */
const OPERATIONS: string[] = Object.entries<Json>(spec.paths).flatMap(([path, methods]) =>
  Object.keys(methods)
    .filter((method) => method !== 'parameters')
    .map((method) => `${method.toUpperCase()} ${path}`),
);

/** The operation a concrete request is for: literal segments win over parameters (`/users/eligible` over `/users/{userId}`). */
function operationOf(method: string, path: string): string | undefined {
  const candidates = OPERATIONS.filter((operation) => operation.startsWith(`${method} `))
    .map((operation) => ({ operation, template: operation.split(' ')[1]! }))
    .filter(({ template }) => new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path))
    .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  return candidates[0]?.operation;
}

/** The simulator's route pattern of a spec operation, as its request counters name it. */
function routeOf(operation: string): { method: string; route: string } {
  const [method, path] = operation.split(' ') as [string, string];
  return { method, route: `${VOLUE_API_BASE_PATH}${path.replace(/\{([^}]+)\}/g, ':$1')}` };
}

const ajv = new Ajv({ strict: false, allErrors: true });
ajvFormats.default(ajv);
ajv.addFormat('time-span', /^\d{2}:\d{2}:\d{2}$/); // .NET TimeSpan, e.g. "01:00:00"
ajv.addSchema({ ...spec, $id: SPEC_ID });

function pointer(...segments: string[]): string {
  return `${SPEC_ID}#/${segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;
}

/** The spec's schema of one response, for `'GET /events'` and a status. */
function responseSchema(operation: string, status: number, type = 'application/json'): AnySchema {
  const [method, path] = operation.split(' ') as [string, string];
  const declared = spec.paths[path]?.[method.toLowerCase()]?.responses?.[status];
  if (!declared?.content?.[type]?.schema) throw new Error(`the spec gives no ${type} schema for ${operation} ${status}`);
  return { $ref: pointer('paths', path, method.toLowerCase(), 'responses', String(status), 'content', type, 'schema') };
}

function requestSchema(operation: string): AnySchema {
  const [method, path] = operation.split(' ') as [string, string];
  return { $ref: pointer('paths', path, method.toLowerCase(), 'requestBody', 'content', 'application/json', 'schema') };
}

function expectValid(schema: AnySchema, body: unknown): void {
  const validate = ajv.compile(schema);
  validate(body);
  expect(validate.errors ?? [], JSON.stringify(body).slice(0, 300)).toEqual([]);
}

/** Asserts the status, that the spec documents it for the operation, and the body against its schema. */
function expectAnswer(response: Answer, operation: string, status: number, type = 'application/json'): void {
  const [method, path] = operation.split(' ') as [string, string];
  expect(Object.keys(spec.paths[path][method.toLowerCase()].responses), operation).toContain(String(status));
  expect(response.status, `${operation}: ${JSON.stringify(response.body)}`).toBe(status);
  if (spec.paths[path][method.toLowerCase()].responses[status].content?.[type]?.schema) {
    expect(response.contentType).toContain(type);
    expectValid(responseSchema(operation, status, type), response.body);
  }
}

interface Answer {
  status: number;
  contentType: string;
  body: Json;
}

let sim: VolueSimulator;
let token: string;

async function call(method: string, path: string, body?: unknown, auth: string | null = token): Promise<Answer> {
  const headers: Record<string, string> = auth === null ? {} : { authorization: `Bearer ${auth}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${sim.apiUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  sim = await startVolueSimulator();
});
afterAll(async () => {
  await sim?.stop();
});
beforeEach(async () => {
  sim.reset();
  const response = await fetch(sim.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: VOLUE_SIMULATOR_CLIENT_ID,
      client_secret: VOLUE_SIMULATOR_CLIENT_SECRET,
    }),
  });
  token = ((await response.json()) as { access_token: string }).access_token;
});

describe('token endpoint (OAuth2 client credentials, IdentityServer shapes)', () => {
  it('issues a bearer token with its lifetime, and answers a wrong secret with 400 and `error`', async () => {
    const good = await fetch(sim.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: VOLUE_SIMULATOR_CLIENT_ID,
        client_secret: VOLUE_SIMULATOR_CLIENT_SECRET,
      }),
    });
    expect(await good.json()).toMatchObject({ access_token: expect.any(String), expires_in: 3600, token_type: 'Bearer' });
    const bad = await fetch(sim.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: VOLUE_SIMULATOR_CLIENT_ID, client_secret: 'wrong' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'invalid_client' });
  });

  it('refuses an API call without a valid bearer token with 401', async () => {
    expect((await call('GET', '/events', undefined, null)).status).toBe(401);
    expect((await call('GET', '/events', undefined, 'forged')).status).toBe(401);
  });
});

const NEW_USER = 'contract-user-1';
const NEW_LOCATION = 'contract-location-1';
const NEW_MPID = '707057500099990001';
const UNREACHABLE_HOOK = 'http://127.0.0.1:9/hook';
const energyPoints = [{ timestamp: '2026-01-20T11:00:00.000Z', kiloWattHours: 1.75 }];

/**
 * One successful call of every operation, in an order where each finds what it needs (ids from earlier
 * answers in `ids`). Adding a path to the spec without a case here fails 'every operation has a case'.
 */
function successCases(ids: Record<string, string>): Array<[operation: string, status: number, path: () => string, body?: () => unknown]> {
  return [
    ['GET /users', 200, () => '/users?page=1&pageSize=2'],
    ['POST /users', 201, () => '/users', () => ({ userId: NEW_USER })],
    ['POST /users/batch', 201, () => '/users/batch', () => ({ users: [{ userId: 'contract-batch-1' }, { userId: 'contract-batch-2' }] })],
    ['GET /users/{userId}', 200, () => `/users/${NEW_USER}`],
    [
      'POST /users/{userId}/locations',
      201,
      () => `/users/${NEW_USER}/locations`,
      () => ({
        locationId: NEW_LOCATION,
        locationType: 'Residential',
        coordinates: { latitude: 60.5, longitude: 5.06 },
        meterPointIds: [NEW_MPID],
      }),
    ],
    [
      'POST /users/locations/batch',
      201,
      () => '/users/locations/batch',
      () => ({ locations: [{ userId: 'contract-batch-1', locationId: 'batch-location', meterPointIds: [] }] }),
    ],
    ['GET /users/{userId}/locations', 200, () => `/users/${NEW_USER}/locations`],
    ['GET /users/{userId}/locations/{locationId}', 200, () => `/users/${NEW_USER}/locations/${NEW_LOCATION}`],
    [
      'PUT /users/{userId}/locations/{locationId}',
      200,
      () => `/users/${NEW_USER}/locations/${NEW_LOCATION}`,
      () => ({ locationId: NEW_LOCATION, locationType: 'Commercial', meterPointIds: [NEW_MPID] }),
    ],
    [
      'PATCH /users/{userId}/locations/{locationId}',
      200,
      () => `/users/${NEW_USER}/locations/${NEW_LOCATION}`,
      () => ({ coordinates: { latitude: 60.52, longitude: 5.06 } }),
    ],
    [
      'POST /users/{userId}/vehicles',
      201,
      () => `/users/${NEW_USER}/vehicles`,
      () => ({ resourceId: 'contract-ev', resourceType: 'Vehicle' }),
    ],
    [
      'POST /users/{userId}/locations/{locationId}/resources',
      201,
      () => `/users/${NEW_USER}/locations/${NEW_LOCATION}/resources`,
      () => ({ resourceId: 'contract-tank', resourceType: 'HotWaterTank', meterPointId: NEW_MPID }),
    ],
    ['GET /users/{userId}/locations/{locationId}/resources', 200, () => `/users/${NEW_USER}/locations/${NEW_LOCATION}/resources`],
    ['GET /users/{userId}/resources', 200, () => `/users/${NEW_USER}/resources`],
    ['GET /resources/{resourceId}', 200, () => '/resources/contract-tank'],
    ['POST /users/{userId}/enrollment', 200, () => `/users/${NEW_USER}/enrollment`],
    ['GET /users/{userId}/enrollment', 200, () => `/users/${NEW_USER}/enrollment`],
    ['GET /users/{userId}/eligibility', 200, () => `/users/${NEW_USER}/eligibility`],
    ['GET /users/eligible', 200, () => '/users/eligible?page=1&pageSize=10'],
    ['GET /users/{userId}/compensation', 200, () => `/users/${NEW_USER}/compensation`],
    ['GET /meters/{mpid}/eligible', 200, () => `/meters/${NEW_MPID}/eligible`],
    [
      'POST /webhooks',
      201,
      () => '/webhooks',
      () => ({ webhookUrl: UNREACHABLE_HOOK, name: 'contract', webhookSecret: 's3cret', notificationTypes: [] }),
    ],
    ['GET /webhooks', 200, () => '/webhooks'],
    ['GET /webhooks/{webhookId}', 200, () => `/webhooks/${ids.webhookId}`],
    [
      'PUT /webhooks/{webhookId}',
      200,
      () => `/webhooks/${ids.webhookId}`,
      () => ({ webhookUrl: UNREACHABLE_HOOK, enabled: true, notificationTypes: [], webhookSecret: 's3cret' }),
    ],
    ['PATCH /webhooks/{webhookId}', 200, () => `/webhooks/${ids.webhookId}`, () => ({ name: 'patched' })],
    ['PUT /webhooks/{webhookId}/enabled', 204, () => `/webhooks/${ids.webhookId}/enabled?enabled=true`],
    [
      'POST /simulation/events/pricecurve',
      200,
      () => '/simulation/events/pricecurve',
      () => ({ priceArea: 'NO1', targets: [{ resourceId: 'contract-tank', locationId: NEW_LOCATION }] }),
    ],
    ['POST /simulation/events/usereligibility', 200, () => '/simulation/events/usereligibility'],
    [
      'POST /simulation/events/lpc/locations',
      200,
      () => '/simulation/events/lpc/locations',
      () => ({
        locations: [
          {
            location: { locationId: NEW_LOCATION, meterPointId: NEW_MPID },
            points: [{ maxPowerInKiloWatts: 5, timestamp: '2026-01-20T11:00:00+00:00' }],
          },
        ],
      }),
    ],
    [
      'POST /simulation/events/lpc/resources',
      200,
      () => '/simulation/events/lpc/resources',
      () => ({ resources: [{ resource: { locationId: NEW_LOCATION, resourceId: 'contract-tank', meterPointId: NEW_MPID } }] }),
    ],
    ['GET /events', 200, () => '/events?page=1&pageSize=3'],
    ['GET /events/{eventId}', 200, () => `/events/${ids.eventId}`],
    [
      'POST /reports',
      200,
      () => '/reports',
      () => ({
        eventId: ids.eventId,
        payloads: [
          {
            payloadType: 'LocationEnergyUsage',
            locationId: NEW_LOCATION,
            meterPointId: NEW_MPID,
            points: energyPoints,
            resolution: '01:00:00',
          },
        ],
      }),
    ],
    ['GET /webhooks/logs', 200, () => `/webhooks/logs?webhookId=${ids.webhookId}&page=1&pageSize=10`],
    ['GET /webhooks/logs/{notificationId}', 200, () => `/webhooks/logs/${ids.notificationId}`],
    ['POST /simulation/partner', 201, () => '/simulation/partner'],
    ['DELETE /simulation/partner', 200, () => '/simulation/partner'],
    ['DELETE /resources/{resourceId}', 204, () => '/resources/contract-ev'],
    ['DELETE /users/{userId}/enrollment', 204, () => `/users/${NEW_USER}/enrollment`],
    ['DELETE /users/{userId}/locations/{locationId}', 204, () => `/users/${NEW_USER}/locations/${NEW_LOCATION}`],
    ['DELETE /webhooks/{webhookId}', 204, () => `/webhooks/${ids.webhookId}`],
    ['DELETE /users/{userId}', 204, () => `/users/${NEW_USER}`],
  ];
}

describe('the simulator serves every operation of the spec', () => {
  it('every operation has a case, and each is answered by its own route with a declared status and a valid body', async () => {
    const ids: Record<string, string> = {};
    const cases = successCases(ids);
    expect(cases.map(([operation]) => operation).sort()).toEqual([...OPERATIONS].sort());
    for (const [operation, status, path, body] of cases) {
      const [method] = operation.split(' ') as [string];
      const requestBody = body?.();
      if (requestBody !== undefined) expectValid(requestSchema(operation), requestBody);
      const answer = await call(method, path(), requestBody);
      expectAnswer(answer, operation, status);
      const { route } = routeOf(operation);
      expect(sim.callCount(method, route), `${operation} served by ${route}`).toBe(1);
      if (operation === 'POST /webhooks') ids.webhookId = answer.body.webhookId;
      if (operation === 'POST /simulation/events/lpc/resources') ids.eventId = answer.body.simulatedEvent.id;
      if (operation === 'GET /webhooks/logs') ids.notificationId = answer.body.webhookNotificationLogs[0].notificationId;
    }
    const unserved = sim
      .stats()
      .requests.filter((request) => request.path !== VOLUE_TOKEN_PATH && !OPERATIONS.some((op) => routeOf(op).route === request.path));
    expect(unserved, 'requests answered by the not-found fallback').toEqual([]);
  });
});

describe('error answers in the shapes the spec declares', () => {
  const cases: Array<
    [operation: string, method: string, path: string, body: unknown, status: number, shape: 'none' | 'string' | 'problem']
  > = [
    ['GET /users/{userId}', 'GET', '/users/nobody', undefined, 404, 'none'],
    ['POST /users', 'POST', '/users', { userId: SEED_USER_IDS.home }, 400, 'string'],
    ['GET /users', 'GET', '/users?pageSize=1001', undefined, 400, 'string'],
    ['GET /events', 'GET', '/events?pageSize=1001', undefined, 400, 'problem'],
    ['GET /events/{eventId}', 'GET', '/events/no-such-event', undefined, 404, 'none'],
    [
      'POST /users/{userId}/locations',
      'POST',
      `/users/${SEED_USER_IDS.home}/locations`,
      { locationId: SEED_LOCATION_IDS.home },
      409,
      'none',
    ],
    [
      'POST /users/{userId}/locations',
      'POST',
      `/users/${SEED_USER_IDS.home}/locations`,
      { locationId: 'x', coordinates: { latitude: 95, longitude: 0 } },
      400,
      'string',
    ],
    [
      'PATCH /users/{userId}/locations/{locationId}',
      'PATCH',
      `/users/${SEED_USER_IDS.cabin}/locations/${SEED_LOCATION_IDS.cabin}`,
      { meterPointIds: [] },
      200,
      'none',
    ],
    [
      'POST /users/{userId}/vehicles',
      'POST',
      `/users/${SEED_USER_IDS.home}/vehicles`,
      { resourceId: SEED_HEAT_PUMP_ID, resourceType: 'Generic' },
      400,
      'problem',
    ],
    [
      'POST /users/{userId}/locations/{locationId}/resources',
      'POST',
      `/users/${SEED_USER_IDS.home}/locations/nowhere/resources`,
      { resourceId: 'r', resourceType: 'HVAC' },
      404,
      'string',
    ],
    ['GET /resources/{resourceId}', 'GET', '/resources/none', undefined, 404, 'string'],
    ['DELETE /resources/{resourceId}', 'DELETE', '/resources/none', undefined, 404, 'none'],
    ['POST /users/{userId}/enrollment', 'POST', `/users/${SEED_USER_IDS.cabin}/enrollment`, undefined, 200, 'none'],
    ['POST /webhooks', 'POST', '/webhooks', { notificationTypes: ['Sometimes'] }, 400, 'problem'],
    ['DELETE /webhooks/{webhookId}', 'DELETE', '/webhooks/none', undefined, 404, 'string'],
    ['GET /webhooks/logs/{notificationId}', 'GET', '/webhooks/logs/none', undefined, 400, 'problem'],
    [
      'POST /reports',
      'POST',
      '/reports',
      {
        payloads: [
          {
            payloadType: 'EnergyUsage',
            resourceId: 'r',
            points: [{ timestamp: '2026-01-20T11:15:00.000Z', kiloWattHours: 1 }],
            resolution: '01:00:00',
          },
        ],
      },
      400,
      'string',
    ],
    ['POST /simulation/events/pricecurve', 'POST', '/simulation/events/pricecurve', { priceArea: 'XX9' }, 400, 'string'],
  ];

  it.each(cases)('%s: %s %s', async (operation, method, path, body, status, shape) => {
    const answer = await call(method, path, body);
    expectAnswer(answer, operation, status, shape === 'problem' ? 'application/problem+json' : 'application/json');
    if (shape === 'string' && status >= 400) expect(typeof answer.body).toBe('string');
    if (shape === 'none' && status >= 400) expect(answer.body).toBeUndefined();
  });

  it('a 409 for a meter point on another of the user’s locations, on create and on patch', async () => {
    const conflict = { locationId: 'second-home', meterPointIds: [SEED_NORWEGIAN_MPID] };
    expect((await call('POST', `/users/${SEED_USER_IDS.cabin}/locations`, conflict)).status).toBe(409);
    expect((await call('POST', `/users/${SEED_USER_IDS.cabin}/locations`, { locationId: 'second-home' })).status).toBe(201);
    expect(
      (await call('PATCH', `/users/${SEED_USER_IDS.cabin}/locations/second-home`, { meterPointIds: [SEED_NORWEGIAN_MPID] })).status,
    ).toBe(409);
  });
});

describe('pagination (page, pageSize ≤ 1000, ApiPagination)', () => {
  it('GET /events: newest first, paginated', async () => {
    const all = await call('GET', '/events');
    const times = all.body.events.map((event: Json) => Date.parse(event.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const page2 = await call('GET', '/events?page=2&pageSize=1');
    expectAnswer(page2, 'GET /events', 200);
    expect(page2.body.pagination).toEqual({ totalRecords: 3, pageSize: 1, currentPage: 2, totalPages: 3, nextPage: 3, previousPage: 1 });
    expect(page2.body.events[0].id).toBe(all.body.events[1].id);
  });
});

describe('simulation routes honour their bodies; partner data comes and goes', () => {
  it('a price curve for the area, targets and curve asked for', async () => {
    const asked = {
      priceArea: 'NO1',
      targets: [{ resourceId: 'r-1', locationId: 'l-1' }],
      priceCurveDelta: {
        points: [{ price: 1.5, timestamp: '2026-01-20T11:00:00+00:00' }],
        currency: 'EUR',
        energyUnit: 'MWh',
        resolution: '01:00:00',
      },
    };
    const { body } = await call('POST', '/simulation/events/pricecurve', asked);
    expect(body.simulatedEvent.payload).toEqual({ ...asked, payloadType: 'PriceCurve' });
  });

  it('user eligibility names the users whose eligibility changed since the last such event', async () => {
    await call('POST', '/users', { userId: 'newly-eligible' });
    await call('POST', '/users/newly-eligible/locations', { locationId: 'l', meterPointIds: ['707057500055556666'] });
    await call('DELETE', `/users/${SEED_USER_IDS.cabin}`);
    const { body } = await call('POST', '/simulation/events/usereligibility');
    expect(body.simulatedEvent.payload).toMatchObject({ addedUsers: ['newly-eligible'], removedUsers: [SEED_USER_IDS.cabin] });
    const again = await call('POST', '/simulation/events/usereligibility');
    expect(again.body.simulatedEvent.payload).toMatchObject({ addedUsers: [], removedUsers: [] });
  });

  it('LPC events for the locations and resources asked for', async () => {
    const points = [{ maxPowerInKiloWatts: 3.5, timestamp: '2026-01-20T11:00:00+00:00' }];
    const locations = await call('POST', '/simulation/events/lpc/locations', {
      locations: [{ location: { locationId: 'l-9', meterPointId: 'm-9' }, points }],
    });
    expect(locations.body.simulatedEvent.payload).toEqual({
      payloadType: 'LocationLPC',
      targets: [{ locationId: 'l-9', meterPointId: 'm-9', resolution: '01:00:00', points }],
    });
    const resources = await call('POST', '/simulation/events/lpc/resources', {
      resources: [{ resource: { locationId: 'l-9', resourceId: 'r-9', meterPointId: 'm-9' }, points }],
    });
    expect(resources.body.simulatedEvent.payload.targets).toEqual([
      { resourceId: 'r-9', locationId: 'l-9', meterPointId: 'm-9', resolution: '01:00:00', points },
    ]);
  });

  it('POST /simulation/partner creates the same random users each run from a reset; DELETE removes only them', async () => {
    const before = (await call('GET', '/users')).body.pagination.totalRecords;
    await call('POST', '/simulation/partner');
    const users = (await call('GET', '/users?pageSize=1000')).body.users.map((user: Json) => user.userId);
    const created = users.slice(before);
    expect(created.length).toBeGreaterThan(0);
    for (const userId of created) {
      const { body } = await call('GET', `/users/${userId}/resources`);
      expect(body.resources.map((resource: Json) => resource.resourceType)).toContain('Vehicle');
      expect(body.resources.some((resource: Json) => resource.locationId)).toBe(true);
      expect((await call('GET', `/users/${userId}/locations`)).body).toHaveLength(1);
    }
    sim.reset();
    await call('POST', '/simulation/partner');
    expect((await call('GET', '/users?pageSize=1000')).body.users.map((user: Json) => user.userId).slice(before)).toEqual(created);
    await call('DELETE', '/simulation/partner');
    expect((await call('GET', '/users')).body.pagination.totalRecords).toBe(before);
  });
});

describe('webhook deliveries', () => {
  it('are EventNotifications as the spec defines them, for every event payload type, and logged', async () => {
    const received: Json[] = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        received.push(JSON.parse(text));
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      await call('POST', '/webhooks', { webhookUrl: `http://127.0.0.1:${port}/hook`, webhookSecret: 'k' });
      for (const type of ['PriceCurve', 'UserEligibility', 'LocationLPC', 'ResourceLPC', 'LPCReservation'] as const)
        await sim.createEvent(type);
      expect(received.map((notification) => notification.notificationType)).toEqual([
        'PriceCurveCreated',
        'UserEligibilityUpdated',
        'LocationLPCRequested',
        'ResourceLPCRequested',
        'LPCReservationCreated',
      ]);
      for (const notification of received) expectValid({ $ref: pointer('components', 'schemas', 'EventNotification') }, notification);
      const logs = await call('GET', '/webhooks/logs');
      expectAnswer(logs, 'GET /webhooks/logs', 200);
      expect(logs.body.webhookNotificationLogs).toHaveLength(5);
      expect(logs.body.webhookNotificationLogs[0]).toMatchObject({
        responseStatusCode: 200,
        requestTimeout: false,
        notificationType: 'LPCReservationCreated',
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

/** A proxy in front of the simulator that records what the connector sends. */
async function recordingProxy(
  target: string,
): Promise<{ url: string; sent: Array<{ method: string; path: string; body: Json }>; close(): Promise<void> }> {
  const sent: Array<{ method: string; path: string; body: Json }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url!, target);
      sent.push({
        method: req.method!,
        path: url.pathname.slice(VOLUE_API_BASE_PATH.length),
        body: raw.length ? JSON.parse(raw.toString()) : undefined,
      });
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([name]) => ['authorization', 'content-type', 'accept'].includes(name)),
      ) as Record<string, string>;
      const answer = await fetch(url, { method: req.method, headers, body: raw.length ? raw : undefined });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${VOLUE_API_BASE_PATH}`,
    sent,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('the connector', () => {
  it('calls every operation of the spec, each request valid against the operation’s request schema', async () => {
    const proxy = await recordingProxy(sim.url);
    try {
      const volue = new VolueClient({
        baseUrl: proxy.url,
        tokenUrl: sim.tokenUrl,
        clientId: VOLUE_SIMULATOR_CLIENT_ID,
        clientSecret: VOLUE_SIMULATOR_CLIENT_SECRET,
        calls: { timeoutMs: 5_000, concurrency: 4, retries: 0 },
      });
      const user = 'connector-user';
      const location = {
        locationId: 'connector-location',
        locationType: 'Residential' as const,
        coordinates: { latitude: 60.5, longitude: 5.06 },
        meterPointIds: [NEW_MPID],
      };
      await volue.listUsers(1, 10);
      await volue.listAllUserIds();
      await volue.registerUser(user);
      await volue.registerUsers(['connector-batch']);
      await volue.getUser(user);
      await volue.registerLocation(user, location);
      await volue.registerLocations([{ userId: 'connector-batch', locationId: 'batch-location', meterPointIds: [] }]);
      await volue.listLocations(user);
      await volue.getLocation(user, location.locationId);
      await volue.replaceLocation(user, { ...location, locationType: 'Commercial' });
      await volue.updateLocation(user, location.locationId, { locationType: 'Other' });
      await volue.registerVehicle(user, 'connector-ev');
      await volue.registerLocationResource(user, location.locationId, {
        resourceId: 'connector-tank',
        resourceType: 'HotWaterTank',
        meterPointId: NEW_MPID,
      });
      await volue.listLocationResources(user, location.locationId);
      await volue.listUserResources(user);
      await volue.getResource('connector-tank');
      await volue.enroll(user);
      await volue.getEnrollment(user);
      await volue.getUserEligibility(user);
      await volue.listEligibleUsers(1, 10);
      await volue.getCompensation(user);
      await volue.getMeterPointEligibility(NEW_MPID);
      const webhook = await volue.createWebhook({
        webhookUrl: UNREACHABLE_HOOK,
        name: 'connector',
        webhookSecret: 'k',
        notificationTypes: ['PriceCurveCreated'],
      });
      await volue.listWebhooks();
      await volue.getWebhook(webhook.webhookId);
      await volue.updateWebhook(webhook.webhookId, { name: 'renamed' });
      await volue.setWebhookEnabled(webhook.webhookId, true);
      // PUT /webhooks/{id} is not called by the connector (PATCH changes what is given); sent here so every request shape is checked.
      expectValid(requestSchema('PUT /webhooks/{webhookId}'), {
        webhookUrl: UNREACHABLE_HOOK,
        name: 'x',
        notificationTypes: [],
        enabled: true,
      });
      const event = await volue.simulatePriceCurve({ priceArea: 'NO2' });
      await volue.simulateUserEligibility();
      await volue.simulateLocationLpc({});
      await volue.simulateResourceLpc({
        resources: [{ resource: { resourceId: 'connector-tank', locationId: location.locationId, meterPointId: NEW_MPID } }],
      });
      await volue.listEvents(1, 10);
      await volue.getEvent(event.id);
      const logs = await volue.listWebhookLogs(webhook.webhookId, 1, 10);
      await volue.getWebhookLog(logs.webhookNotificationLogs[0]!.notificationId!);
      await volue.sendReport({
        eventId: event.id,
        payloads: [
          {
            payloadType: 'EnergyUsage',
            resourceId: 'connector-tank',
            locationId: location.locationId,
            meterPointId: NEW_MPID,
            points: energyPoints,
            resolution: '01:00:00',
          },
          {
            payloadType: 'LocationEnergyUsage',
            locationId: location.locationId,
            meterPointId: NEW_MPID,
            points: energyPoints,
            resolution: '01:00:00',
          },
          {
            payloadType: 'LocationEnergyUsagePlan',
            locationId: location.locationId,
            meterPointId: NEW_MPID,
            resolution: '01:00:00',
            baseline: energyPoints,
            flexibility: energyPoints,
          },
          {
            payloadType: 'ResourceLPCAcknowledgement',
            acknowledgedTargets: [{ resourceId: 'connector-tank', locationId: location.locationId, meterPointId: NEW_MPID }],
            declinedTargets: [],
          },
          {
            payloadType: 'LocationLPCAcknowledgement',
            acknowledgedTargets: [],
            declinedTargets: [{ locationId: location.locationId, meterPointId: NEW_MPID }],
          },
        ],
      });
      await volue.createSimulatedPartnerData();
      await volue.deleteSimulatedPartnerData();
      await volue.deleteResource('connector-ev');
      await volue.unenroll(user);
      await volue.deleteLocation(user, location.locationId);
      await volue.deleteWebhook(webhook.webhookId);
      await volue.deleteUser(user);

      const called = new Set<string>(['PUT /webhooks/{webhookId}']);
      for (const request of proxy.sent) {
        const operation = operationOf(request.method, request.path);
        expect(operation, `${request.method} ${request.path} is an operation of the spec`).toBeDefined();
        called.add(operation!);
        const declared = spec.paths[operation!.split(' ')[1]!][request.method.toLowerCase()].requestBody;
        if (declared) expectValid(requestSchema(operation!), request.body ?? {});
        else expect(request.body, `${operation} takes no body`).toBeUndefined();
      }
      expect([...called].sort()).toEqual([...OPERATIONS].sort());
    } finally {
      await proxy.close();
    }
  });
});
