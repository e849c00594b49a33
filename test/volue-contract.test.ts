import { readFileSync } from 'node:fs';
import { Ajv, type AnySchema } from 'ajv';
import ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  VOLUE_SIMULATOR_CLIENT_ID,
  VOLUE_SIMULATOR_CLIENT_SECRET,
  startVolueSimulator,
  type VolueSimulator,
} from '../subgraphs/volue/simulator/index.js';

/**
 * The Volue simulator against Volue's partner OpenAPI (2026-01, a copy in test/fixtures): events,
 * webhooks, reports, users, pagination and error answers validate against the spec's schemas, and the
 * requests this project sends validate against its request schemas. The registration routes of the
 * seed's generation (meters, vehicles and resources under /users/:userId) are older than this spec and
 * are checked in test/volue.test.ts instead.
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

describe('events and pagination', () => {
  it('GET /events: newest first, paginated', async () => {
    const all = await call('GET', '/events');
    expectAnswer(all, 'GET /events', 200);
    const times = all.body.events.map((event: Json) => Date.parse(event.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const page2 = await call('GET', '/events?page=2&pageSize=1');
    expectAnswer(page2, 'GET /events', 200);
    expect(page2.body.pagination).toEqual({ totalRecords: 3, pageSize: 1, currentPage: 2, totalPages: 3, nextPage: 3, previousPage: 1 });
    expect(page2.body.events[0].id).toBe(all.body.events[1].id);
  });

  it('GET /events with a pageSize over 1000: 400 problem+json with `errors`', async () => {
    const response = await call('GET', '/events?pageSize=1001');
    expectAnswer(response, 'GET /events', 400, 'application/problem+json');
    expect(response.body.errors.pageSize).toEqual([expect.stringContaining('1000')]);
  });

  it('GET /events/{eventId}: the event, or a bodiless 404', async () => {
    const { body } = await call('GET', '/events');
    expectAnswer(await call('GET', `/events/${body.events[0].id}`), 'GET /events/{eventId}', 200);
    const missing = await call('GET', '/events/no-such-event');
    expectAnswer(missing, 'GET /events/{eventId}', 404);
    expect(missing.body).toBeUndefined();
  });

  it('simulated price curve and user eligibility events', async () => {
    expectAnswer(await call('POST', '/simulation/events/pricecurve'), 'POST /simulation/events/pricecurve', 200);
    expectAnswer(await call('POST', '/simulation/events/usereligibility'), 'POST /simulation/events/usereligibility', 200);
    expect((await call('GET', '/events')).body.pagination.totalRecords).toBe(5);
  });
});

describe('users (the routes the current spec shares with the seed)', () => {
  it('POST /users, a 409 for a duplicate, GET /users and GET /users/{userId}', async () => {
    const body = { userId: 'contract-user-1' };
    expectValid(requestSchema('POST /users'), body);
    expectAnswer(await call('POST', '/users', body), 'POST /users', 201);
    const duplicate = await call('POST', '/users', body);
    expect(duplicate.status).toBe(409);
    expect(duplicate.contentType).toContain('application/problem+json');
    expectValid({ $ref: pointer('components', 'schemas', 'HttpValidationProblemDetails') }, duplicate.body);
    expectAnswer(await call('GET', '/users?page=1&pageSize=2'), 'GET /users', 200);
    expectAnswer(await call('GET', '/users/contract-user-1'), 'GET /users/{userId}', 200);
    expectAnswer(await call('POST', '/users', {}), 'POST /users', 400);
  });
});

describe('webhooks', () => {
  const create = {
    webhookUrl: 'https://partner.example.com/volue',
    name: 'contract',
    webhookSecret: 's3cret',
    notificationTypes: ['PriceCurveCreated'],
  };

  it('create, list, get, replace, patch and delete', async () => {
    expectValid(requestSchema('POST /webhooks'), create);
    const created = await call('POST', '/webhooks', create);
    expectAnswer(created, 'POST /webhooks', 201);
    expect(JSON.stringify(created.body)).not.toContain('s3cret');
    const id = created.body.webhookId;

    expectAnswer(await call('GET', '/webhooks'), 'GET /webhooks', 200);
    expectAnswer(await call('GET', `/webhooks/${id}`), 'GET /webhooks/{webhookId}', 200);
    const replace = { webhookUrl: 'https://partner.example.com/v2', enabled: false, notificationTypes: [] };
    expectValid(requestSchema('PUT /webhooks/{webhookId}'), replace);
    const replaced = await call('PUT', `/webhooks/${id}`, replace);
    expectAnswer(replaced, 'PUT /webhooks/{webhookId}', 200);
    expect(replaced.body).toMatchObject({ webhookUrl: 'https://partner.example.com/v2', enabled: false, name: null });
    const patch = { name: 'patched' };
    expectValid(requestSchema('PATCH /webhooks/{webhookId}'), patch);
    const patched = await call('PATCH', `/webhooks/${id}`, patch);
    expectAnswer(patched, 'PATCH /webhooks/{webhookId}', 200);
    expect(patched.body).toMatchObject({ name: 'patched', webhookUrl: 'https://partner.example.com/v2' });
    expectAnswer(await call('DELETE', `/webhooks/${id}`), 'DELETE /webhooks/{webhookId}', 204);
    expectAnswer(await call('GET', `/webhooks/${id}`), 'GET /webhooks/{webhookId}', 404);
  });

  it('POST /webhooks without a URL or with an unknown notification type: 400 problem+json with `errors`', async () => {
    const response = await call('POST', '/webhooks', { notificationTypes: ['Sometimes'] });
    expectAnswer(response, 'POST /webhooks', 400, 'application/problem+json');
    expect(Object.keys(response.body.errors).sort()).toEqual(['notificationTypes', 'webhookUrl']);
  });
});

describe('reports', () => {
  const energyUsage = {
    payloadType: 'EnergyUsage',
    resourceId: 'oso-supertank-0001',
    points: [{ timestamp: '2026-01-20T11:00:00.000Z', kiloWattHours: 1.75 }],
    resolution: '01:00:00',
  };
  const locationEnergyUsage = {
    payloadType: 'LocationEnergyUsage',
    locationId: 'loc-1',
    meterPointId: '707057500012345678',
    points: [{ timestamp: '2026-01-20T11:00:00.000Z', kiloWattHours: 72 }],
    resolution: '01:00:00',
  };

  it('POST /reports with EnergyUsage and LocationEnergyUsage payloads (the shapes sendVolueReport sends)', async () => {
    const { body: events } = await call('GET', '/events');
    const report = { eventId: events.events[0].id, payloads: [energyUsage, locationEnergyUsage] };
    expectValid(requestSchema('POST /reports'), report);
    const response = await call('POST', '/reports', report);
    expectAnswer(response, 'POST /reports', 200);
    expect(response.body.eventId).toBe(report.eventId);
  });

  it('POST /reports with a point not on the hour: 400 with a string body', async () => {
    const report = { payloads: [{ ...energyUsage, points: [{ timestamp: '2026-01-20T11:15:00.000Z', kiloWattHours: 1 }] }] };
    const response = await call('POST', '/reports', report);
    expectAnswer(response, 'POST /reports', 400);
    expect(response.body).toMatch(/start of an hour/);
    expect(sim.reports()).toEqual([]);
  });
});

describe('webhook deliveries', () => {
  it('are EventNotifications as the spec defines them', async () => {
    const received: Json[] = [];
    const { createServer } = await import('node:http');
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
      const port = (server.address() as { port: number }).port;
      await call('POST', '/webhooks', { webhookUrl: `http://127.0.0.1:${port}/hook`, webhookSecret: 'k' });
      await sim.createEvent('PriceCurve');
      await sim.createEvent('UserEligibility');
      expect(received).toHaveLength(2);
      for (const notification of received) expectValid({ $ref: pointer('components', 'schemas', 'EventNotification') }, notification);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
