import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv, type AnySchema } from 'ajv';
import ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_METERING_POINTS } from '../shared/simulator/index.js';
import { OPENVOLT_SIMULATOR_API_KEY, startOpenvoltSimulator, type OpenvoltSimulator } from '../subgraphs/openvolt/simulator/index.js';
import { SOLAREDGE_SITE_ID } from '../subgraphs/openvolt/simulator/seed.js';

/**
 * The Openvolt simulator against Openvolt's own OpenAPI spec (v1.0.1, a copy in test/fixtures): every
 * route it serves answers bodies that validate against the spec's schemas, with only the real-world
 * deviations listed in DEVIATIONS below. Then behaviour the spec cannot express (auth, data semantics,
 * seed, webhooks). Inferred choices are documented in subgraphs/openvolt/CONTRACT.md.
 */

type Json = any; // response bodies: their shape is what the schemas check

const spec = JSON.parse(readFileSync(new URL('./fixtures/openvolt-openapi.json', import.meta.url), 'utf8')) as Json;
const SPEC_ID = 'https://api.openvolt.com/v1/openapi.json';
const NOW = new Date('2024-03-15T10:07:00.000Z');
const EXAMPLE_CUSTOMER = '6514153c23e3d1424bf82738';
const EXAMPLE_METER = '6514167223e3d1424bf82742';
const UNKNOWN_ID = '000000000000000000000000';

// OpenAPI 3.0 schema objects are close enough to JSON Schema for ajv once OpenAPI-only keywords
// (example, discriminator, readOnly) are tolerated; `nullable` is understood by ajv itself.
const ajv = new Ajv({ strict: false, allErrors: true });
ajvFormats.default(ajv); // ajv-formats is CommonJS: under NodeNext its plugin is the `default` member
// The whole spec is one schema, so `#/components/schemas/…` refs resolve and responses can be
// referenced by their JSON pointer into `paths`.
ajv.addSchema({ ...spec, $id: SPEC_ID });

function pointer(...segments: string[]): string {
  return `${SPEC_ID}#/${segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;
}

/** Where the spec gives the JSON schema of one response. */
function responsePointer(path: string, method: string, status: number): string {
  const declared = spec.paths[path]?.[method]?.responses?.[status];
  if (!declared?.content?.['application/json']?.schema) throw new Error(`the spec gives no JSON schema for ${method} ${path} ${status}`);
  return pointer('paths', path, method, 'responses', String(status), 'content', 'application/json', 'schema');
}

function responseSchema(path: string, method: string, status: number): AnySchema {
  return { $ref: responsePointer(path, method, status) };
}

/** A component schema: for writes, where the spec documents the status but no body. */
function componentSchema(name: string): AnySchema {
  if (!spec.components.schemas[name]) throw new Error(`no component schema ${name}`);
  return { $ref: pointer('components', 'schemas', name) };
}

/**
 * DEVIATIONS — the only departures from the spec this test allows, each seen in live responses by
 * third-party clients (see CONTRACT.md).
 */
const DEVIATIONS = {
  /**
   * (1) GET /meters/{_id} and GET /consents/{_id}: the spec declares an array; the live API answers a
   * single object (clients read `.customer`, `.status` on it). Validated against the array's item schema.
   */
  singleObject: {
    meter: { $ref: `${responsePointer('/meters/{_id}', 'get', 200)}/items` } as AnySchema,
    consent: { $ref: `${responsePointer('/consents/{_id}', 'get', 200)}/items` } as AnySchema,
  },
  /**
   * (2) GET /interval-data: camelCase top-level keys (startInterval, endInterval), `consumption` as a
   * string, `consumption_units: "kWh"`, and ISO date-times where the spec says `date`. Derived from the
   * spec's IntervalDataListResponse so every other property keeps the spec's type; the deviating keys are
   * required so that the live shape is really what is answered.
   */
  intervalData: intervalDataDeviation(),
  /**
   * (3) GET /documents and GET /documents/{_id} [I]: a stored document carries no `file` (the spec's
   * Document schema is also the upload form, whose `file` part is the bytes); the bytes are at
   * GET /documents/{_id}/file. Validated against Document without `file` required.
   */
  document: {
    type: 'object',
    required: ['name', 'purpose'],
    properties: Object.fromEntries(
      Object.keys(spec.components.schemas.Document.properties).map((name) => [
        name,
        { $ref: pointer('components', 'schemas', 'Document', 'properties', name) },
      ]),
    ),
  } as AnySchema,
};

function intervalDataDeviation(): AnySchema {
  const list = structuredClone(spec.components.schemas.IntervalDataListResponse);
  const item = structuredClone(spec.components.schemas.IntervalData);
  item.properties.start_interval = { ...item.properties.start_interval, format: 'date-time' };
  item.properties.consumption = { type: 'string', pattern: '^\\d+(\\.\\d+)?$' };
  item.properties.consumption_units = { ...item.properties.consumption_units, enum: ['kWh'] };
  item.required = Object.keys(item.properties);
  const { start_interval, end_interval, ...rest } = list.properties;
  list.properties = {
    ...rest,
    startInterval: { ...start_interval, format: 'date-time' },
    endInterval: { ...end_interval, format: 'date-time' },
    data: { ...list.properties.data, items: item },
  };
  list.required = ['startInterval', 'endInterval', 'granularity', 'data'];
  list.not = { anyOf: [{ required: ['start_interval'] }, { required: ['end_interval'] }] };
  return list;
}

/** Inferred (the spec documents no error body): `{ statusCode, error, message }` for every 4xx/5xx. */
const ERROR_SCHEMA: AnySchema = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, message: { type: 'string', minLength: 1 } },
  additionalProperties: false,
};

function expectValid(schema: AnySchema, body: unknown): void {
  const validate = ajv.compile(schema);
  validate(body);
  expect(validate.errors ?? [], JSON.stringify(body).slice(0, 300)).toEqual([]);
}

/** Asserts the status, and that the spec documents it for the operation (`'PUT /meters/{_id}'`). */
function expectSpecStatus(response: { status: number }, operation: string, status: number): void {
  const [method, path] = operation.split(' ') as [string, string];
  expect(Object.keys(spec.paths[path][method.toLowerCase()].responses), operation).toContain(String(status));
  expect(response.status, operation).toBe(status);
}

/** An error answer: the status (documented by the spec for `operation` when given) and the inferred body. */
function expectError(response: { status: number; body: Json }, status: number, operation?: string): void {
  if (operation) expectSpecStatus(response, operation, status);
  expect(response.status).toBe(status);
  expectValid(ERROR_SCHEMA, response.body);
  expect(response.body.statusCode).toBe(status);
}

interface CallOptions {
  query?: Record<string, string>;
  body?: unknown;
  key?: string | null;
}

async function call(sim: OpenvoltSimulator, method: string, path: string, options: CallOptions = {}) {
  const url = new URL(`${sim.url}/v1${path}`);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  const key = options.key === undefined ? OPENVOLT_SIMULATOR_API_KEY : options.key;
  const headers: Record<string, string> = key === null ? {} : { 'x-api-key': key };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

/** Every API route the simulator serves, as its express pattern and the spec's path. */
const SERVED_ROUTES = [
  ['GET', '/v1/customers', '/customers'],
  ['POST', '/v1/customers', '/customers'],
  ['GET', '/v1/customers/:_id', '/customers/{_id}'],
  ['PUT', '/v1/customers/:_id', '/customers/{_id}'],
  ['DELETE', '/v1/customers/:_id', '/customers/{_id}'],
  ['GET', '/v1/meters', '/meters'],
  ['POST', '/v1/meters', '/meters'],
  ['GET', '/v1/meters/:_id', '/meters/{_id}'],
  ['PUT', '/v1/meters/:_id', '/meters/{_id}'],
  ['DELETE', '/v1/meters/:_id', '/meters/{_id}'],
  ['PUT', '/v1/meters/:_id/update-consent', '/meters/{_id}/update-consent'],
  ['GET', '/v1/consents', '/consents'],
  ['POST', '/v1/consents', '/consents'],
  ['GET', '/v1/consents/:_id', '/consents/{_id}'],
  ['POST', '/v1/consents/:_id/archive', '/consents/{_id}/archive'],
  ['GET', '/v1/interval-data', '/interval-data'],
  ['GET', '/v1/documents', '/documents'],
  ['POST', '/v1/documents', '/documents'],
  ['GET', '/v1/documents/:_id', '/documents/{_id}'],
  ['GET', '/v1/documents/:_id/file', '/documents/{_id}/file'],
] as const;

describe('Openvolt simulator against the OpenAPI spec', () => {
  let sim: OpenvoltSimulator;

  beforeAll(async () => {
    sim = await startOpenvoltSimulator({ now: () => NOW });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('serves only paths and methods the spec defines', () => {
    for (const [method, , specPath] of SERVED_ROUTES) {
      expect(spec.paths[specPath]?.[method.toLowerCase()], `${method} ${specPath}`).toBeDefined();
    }
  });

  it('answers 401 on every route without a key or with a wrong one', async () => {
    for (const [method, , specPath] of SERVED_ROUTES) {
      const path = specPath.replace('{_id}', EXAMPLE_METER);
      expectError(await call(sim, method, path, { key: null }), 401);
      expectError(await call(sim, method, path, { key: 'test-wrong-key' }), 401);
    }
  });

  describe('customers', () => {
    it('GET /customers', async () => {
      const all = await call(sim, 'GET', '/customers');
      expectSpecStatus(all, 'GET /customers', 200);
      expectValid(responseSchema('/customers', 'get', 200), all.body);
      expect(all.body.data).toHaveLength(4);
      const one = await call(sim, 'GET', '/customers', { query: { email: all.body.data[1].email } });
      expect(one.body.data.map((c: Json) => c._id)).toEqual([all.body.data[1]._id]);
      const paged = await call(sim, 'GET', '/customers', { query: { page: '2', page_size: '3' } });
      expect(paged.body.data).toHaveLength(1);
      expectError(await call(sim, 'GET', '/customers', { query: { page_size: '101' } }), 400);
    });

    it('GET /customers/{_id}', async () => {
      const customer = await call(sim, 'GET', `/customers/${EXAMPLE_CUSTOMER}`);
      expectSpecStatus(customer, 'GET /customers/{_id}', 200);
      expectValid(responseSchema('/customers/{_id}', 'get', 200), customer.body);
      expect(customer.body).toMatchObject({ _id: EXAMPLE_CUSTOMER, object: 'customer', __v: 0, notes: [] });
      expectError(await call(sim, 'GET', `/customers/${UNKNOWN_ID}`), 404, 'GET /customers/{_id}');
    });

    it('POST /customers', async () => {
      const created = await call(sim, 'POST', '/customers', {
        body: { name: 'Acme Foundry', email: 'energy@acme-foundry.example', notes: [{ content: 'new', author: 'test' }] },
      });
      expectSpecStatus(created, 'POST /customers', 200);
      expectValid(componentSchema('Customer'), created.body);
      expect(created.body._id).toMatch(/^[0-9a-f]{24}$/);
      expectError(await call(sim, 'POST', '/customers', { body: { name: 'No Email' } }), 400);
      expectError(await call(sim, 'POST', '/customers', { body: { name: 'Bad', email: 'not-an-email' } }), 400);
      expectError(await call(sim, 'POST', '/customers', { body: { name: 'Twin', email: 'ENERGY@acme-foundry.example' } }), 409);
    });

    it('PUT /customers/{_id} answers 201', async () => {
      const updated = await call(sim, 'PUT', `/customers/${EXAMPLE_CUSTOMER}`, { body: { address: '1 New Road, London E1 1AA, UK' } });
      expectSpecStatus(updated, 'PUT /customers/{_id}', 201);
      expectValid(componentSchema('Customer'), updated.body);
      expect(updated.body.address).toBe('1 New Road, London E1 1AA, UK');
      expectError(await call(sim, 'PUT', `/customers/${EXAMPLE_CUSTOMER}`, { body: { email: 'nope' } }), 400, 'PUT /customers/{_id}');
      expectError(await call(sim, 'PUT', `/customers/${UNKNOWN_ID}`, { body: { name: 'x' } }), 404);
    });

    it('DELETE /customers/{_id} answers 200; a customer with meters cannot be deleted', async () => {
      const created = await call(sim, 'POST', '/customers', { body: { name: 'Short Lived', email: 'short@lived.example' } });
      const deleted = await call(sim, 'DELETE', `/customers/${created.body._id}`);
      expectSpecStatus(deleted, 'DELETE /customers/{_id}', 200);
      expect(deleted.body).toEqual({ deleted: true, _id: created.body._id });
      expectError(await call(sim, 'GET', `/customers/${created.body._id}`), 404);
      expectError(await call(sim, 'DELETE', `/customers/${EXAMPLE_CUSTOMER}`), 409);
      expectError(await call(sim, 'DELETE', `/customers/${UNKNOWN_ID}`), 404);
    });
  });

  describe('meters', () => {
    it('GET /meters lists meters with customer_id and without the embedded customer', async () => {
      const list = await call(sim, 'GET', '/meters', { query: { page_size: '100' } });
      expectSpecStatus(list, 'GET /meters', 200);
      expectValid(responseSchema('/meters', 'get', 200), list.body);
      expect(list.body.data.length).toBeGreaterThanOrEqual(50);
      for (const meter of list.body.data) {
        expect(meter.customer_id).toMatch(/^[0-9a-f]{24}$/);
        expect(meter).not.toHaveProperty('customer');
      }
      const filtered = await call(sim, 'GET', '/meters', {
        query: {
          customer_id: EXAMPLE_CUSTOMER,
          status: 'active',
          data_source: 'electralink',
          missing_consent: 'false',
          meter_id: EXAMPLE_METER,
        },
      });
      expect(filtered.body.data.map((m: Json) => m._id)).toEqual([EXAMPLE_METER]);
      expect((await call(sim, 'GET', '/meters', { query: { sort_by: 'last_data_pull_date', page_size: '5' } })).body.data).toHaveLength(5);
      expectError(await call(sim, 'GET', '/meters', { query: { status: 'broken' } }), 400);
      expectError(await call(sim, 'GET', '/meters', { query: { missing_consent: 'yes' } }), 400);
    });

    it('GET /meters/{_id} answers one object (deviation 1) with the full customer embedded', async () => {
      const meter = await call(sim, 'GET', `/meters/${EXAMPLE_METER}`);
      expectSpecStatus(meter, 'GET /meters/{_id}', 200);
      expect(Array.isArray(meter.body)).toBe(false);
      expectValid(DEVIATIONS.singleObject.meter, meter.body);
      expect(meter.body).toMatchObject({ _id: EXAMPLE_METER, meter_number: '9999999999999', customer_id: EXAMPLE_CUSTOMER });
      expectValid(componentSchema('Customer'), meter.body.customer);
      expect(meter.body.customer._id).toBe(EXAMPLE_CUSTOMER);
      expectError(await call(sim, 'GET', `/meters/${UNKNOWN_ID}`), 404, 'GET /meters/{_id}');
    });

    it('POST /meters', async () => {
      const [consent] = (await call(sim, 'GET', '/consents', { query: { customer_id: EXAMPLE_CUSTOMER } })).body.data;
      const body = { meter_number: '1200023305962', customer_id: EXAMPLE_CUSTOMER, data_source: 'dcc', description: 'New sub-meter' };
      const withConsent = await call(sim, 'POST', '/meters', { body: { ...body, consent_id: consent._id } });
      expectSpecStatus(withConsent, 'POST /meters', 200);
      expectValid(componentSchema('Meter'), withConsent.body);
      expect(withConsent.body).toMatchObject({ status: 'active', consent_id: consent._id });
      const withoutConsent = await call(sim, 'POST', '/meters', { body: { ...body, meter_number: '1200023305971' } });
      expect(withoutConsent.body).toMatchObject({ status: 'inactive', validity_state: { missing_consent: true } });
      expect(withoutConsent.body).not.toHaveProperty('consent_id');

      expectError(await call(sim, 'POST', '/meters', { body }), 409);
      expectError(await call(sim, 'POST', '/meters', { body: { ...body, meter_number: '' } }), 400);
      expectError(await call(sim, 'POST', '/meters', { body: { ...body, data_source: 'smartthings' } }), 400);
      expectError(await call(sim, 'POST', '/meters', { body: { ...body, customer_id: UNKNOWN_ID } }), 400);
      expectError(await call(sim, 'POST', '/meters', { body: { ...body, meter_number: '1200023305989', consent_id: UNKNOWN_ID } }), 400);
    });

    it('PUT /meters/{_id} answers 201', async () => {
      const updated = await call(sim, 'PUT', `/meters/${EXAMPLE_METER}`, { body: { description: 'Renamed', metadata: { floor: '2' } } });
      expectSpecStatus(updated, 'PUT /meters/{_id}', 201);
      expectValid(componentSchema('Meter'), updated.body);
      expect(updated.body).toMatchObject({ description: 'Renamed', metadata: { floor: '2' } });
      expectError(await call(sim, 'PUT', `/meters/${EXAMPLE_METER}`, { body: { data_source: 'nope' } }), 400, 'PUT /meters/{_id}');
      expectError(await call(sim, 'PUT', `/meters/${UNKNOWN_ID}`, { body: {} }), 404);
    });

    it('DELETE /meters/{_id} answers 204 without a body', async () => {
      const created = await call(sim, 'POST', '/meters', {
        body: { meter_number: '1200023305998', customer_id: EXAMPLE_CUSTOMER, data_source: 'electralink' },
      });
      const deleted = await call(sim, 'DELETE', `/meters/${created.body._id}`);
      expectSpecStatus(deleted, 'DELETE /meters/{_id}', 204);
      expect(deleted.body).toBeUndefined();
      expectError(await call(sim, 'DELETE', `/meters/${created.body._id}`), 404, 'DELETE /meters/{_id}');
    });

    it('PUT /meters/{_id}/update-consent answers 201; null removes the consent', async () => {
      const [consent] = (await call(sim, 'GET', '/consents', { query: { customer_id: EXAMPLE_CUSTOMER } })).body.data;
      const removed = await call(sim, 'PUT', `/meters/${EXAMPLE_METER}/update-consent`, { body: { consent_id: null } });
      expectSpecStatus(removed, 'PUT /meters/{_id}/update-consent', 201);
      expectValid(componentSchema('Meter'), removed.body);
      expect(removed.body).toMatchObject({ status: 'inactive', validity_state: { missing_consent: true } });
      expect(removed.body).not.toHaveProperty('consent_id');
      const restored = await call(sim, 'PUT', `/meters/${EXAMPLE_METER}/update-consent`, { body: { consent_id: consent._id } });
      expectSpecStatus(restored, 'PUT /meters/{_id}/update-consent', 201);
      expect(restored.body).toMatchObject({ status: 'active', consent_id: consent._id, validity_state: { missing_consent: false } });
      expectError(
        await call(sim, 'PUT', `/meters/${EXAMPLE_METER}/update-consent`, { body: { consent_id: UNKNOWN_ID } }),
        400,
        'PUT /meters/{_id}/update-consent',
      );
      expectError(await call(sim, 'PUT', `/meters/${EXAMPLE_METER}/update-consent`, { body: {} }), 400);
    });
  });

  describe('consents', () => {
    it('GET /consents', async () => {
      const list = await call(sim, 'GET', '/consents');
      expectSpecStatus(list, 'GET /consents', 200);
      expectValid(responseSchema('/consents', 'get', 200), list.body);
      const customers = new Set(list.body.data.map((c: Json) => c.customer_id));
      expect(customers.size).toBe(4);
      const sorted = await call(sim, 'GET', '/consents', { query: { sort_by: 'end_date' } });
      const ends = sorted.body.data.map((c: Json) => c.end_date);
      expect(ends).toEqual([...ends].sort());
    });

    it('GET /consents/{_id} answers one object (deviation 1)', async () => {
      const [first] = (await call(sim, 'GET', '/consents')).body.data;
      const consent = await call(sim, 'GET', `/consents/${first._id}`);
      expectSpecStatus(consent, 'GET /consents/{_id}', 200);
      expect(Array.isArray(consent.body)).toBe(false);
      expectValid(DEVIATIONS.singleObject.consent, consent.body);
      expect(consent.body).toMatchObject({ _id: first._id, object: 'consent', status: 'active' });
      expectError(await call(sim, 'GET', `/consents/${UNKNOWN_ID}`), 404, 'GET /consents/{_id}');
    });

    it('POST /consents', async () => {
      const [evidence] = (await call(sim, 'GET', '/documents')).body.data;
      const body = {
        customer_id: EXAMPLE_CUSTOMER,
        type: 'interval',
        name: 'LOA 2024',
        start_date: '2024-01-01',
        end_date: '2025-12-31',
        evidence_document_id: evidence._id,
      };
      const created = await call(sim, 'POST', '/consents', { body });
      expectSpecStatus(created, 'POST /consents', 200);
      expectValid(componentSchema('Consent'), created.body);
      expect(created.body).toMatchObject({ ...body, status: 'active', archived_at: null });
      expectError(await call(sim, 'POST', '/consents', { body: { ...body, start_date: '2026-01-01' } }), 400);
      expectError(await call(sim, 'POST', '/consents', { body: { ...body, type: 'daily' } }), 400);
      expectError(await call(sim, 'POST', '/consents', { body: { ...body, evidence_document_id: undefined } }), 400);
      // The evidence must be a document Openvolt holds.
      const unknownEvidence = await call(sim, 'POST', '/consents', { body: { ...body, evidence_document_id: UNKNOWN_ID } });
      expectError(unknownEvidence, 400);
      expect(unknownEvidence.body.message).toBe(`No document with _id ${UNKNOWN_ID}`);
      expectError(await call(sim, 'POST', '/consents', { body: { ...body, end_date: '2025-02-30' } }), 400);
    });

    it('POST /consents/{_id}/archive', async () => {
      const [evidence] = (await call(sim, 'GET', '/documents')).body.data;
      const created = await call(sim, 'POST', '/consents', {
        body: {
          customer_id: EXAMPLE_CUSTOMER,
          type: 'interval',
          start_date: '2024-01-01',
          end_date: '2024-12-31',
          evidence_document_id: evidence._id,
        },
      });
      const archived = await call(sim, 'POST', `/consents/${created.body._id}/archive`);
      expectSpecStatus(archived, 'POST /consents/{_id}/archive', 200);
      expectValid(componentSchema('Consent'), archived.body);
      expect(archived.body).toMatchObject({ status: 'archived', archived_at: NOW.toISOString() });
      expectError(await call(sim, 'POST', `/consents/${UNKNOWN_ID}/archive`), 404, 'POST /consents/{_id}/archive');
    });
  });

  describe('documents', () => {
    /** A multipart upload as the spec's Document form describes it. */
    async function upload(fields: Record<string, string>, file?: { bytes: string; name: string; type: string }) {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.set(name, value);
      if (file) form.set('file', new Blob([file.bytes], { type: file.type }), file.name);
      const response = await fetch(`${sim.url}/v1/documents`, {
        method: 'POST',
        headers: { 'x-api-key': OPENVOLT_SIMULATOR_API_KEY },
        body: form,
      });
      return { status: response.status, body: (await response.json()) as Json };
    }

    it('GET /documents lists each seed consent’s evidence (deviation 3), filtered by name, purpose and metadata', async () => {
      const all = await call(sim, 'GET', '/documents');
      expectSpecStatus(all, 'GET /documents', 200);
      expect(all.body.data).toHaveLength(6);
      for (const document of all.body.data) expectValid(DEVIATIONS.document, document);
      const consents = (await call(sim, 'GET', '/consents')).body.data as Json[];
      expect(consents.map((c) => c.evidence_document_id)).toEqual(expect.arrayContaining(all.body.data.map((d: Json) => d._id)));
      const named = await call(sim, 'GET', '/documents', { query: { name: all.body.data[2].name, purpose: 'consent_evidence' } });
      expect(named.body.data.map((d: Json) => d._id)).toEqual([all.body.data[2]._id]);
      expect((await call(sim, 'GET', '/documents', { query: { 'metadata[kind]': 'loa' } })).body.data).toEqual([]);
      expectError(await call(sim, 'GET', '/documents', { query: { purpose: 'invoice' } }), 400);
    });

    it('POST /documents takes the multipart form; GET /documents/{_id} and its file give it back', async () => {
      const created = await upload(
        { name: 'LOA Thameside 2026', purpose: 'consent_evidence', 'metadata[kind]': 'loa' },
        { bytes: '%PDF-1.4 signed', name: 'loa.pdf', type: 'application/pdf' },
      );
      expectSpecStatus(created, 'POST /documents', 200);
      expectValid(DEVIATIONS.document, created.body);
      expect(created.body).toMatchObject({
        object: 'document',
        name: 'LOA Thameside 2026',
        purpose: 'consent_evidence',
        metadata: { kind: 'loa' },
        file_name: 'loa.pdf',
        content_type: 'application/pdf',
        size: 15,
        created_at: NOW.toISOString(),
      });
      const read = await call(sim, 'GET', `/documents/${created.body._id}`);
      expectSpecStatus(read, 'GET /documents/{_id}', 200);
      expect(read.body).toEqual(created.body);
      expect((await call(sim, 'GET', '/documents', { query: { 'metadata[kind]': 'loa' } })).body.data).toEqual([created.body]);
      const file = await fetch(`${sim.url}/v1/documents/${created.body._id}/file`, {
        headers: { 'x-api-key': OPENVOLT_SIMULATOR_API_KEY },
      });
      expectSpecStatus(file, 'GET /documents/{_id}/file', 200);
      expect(file.headers.get('content-type')).toMatch(/^application\/octet-stream/);
      expect(await file.text()).toBe('%PDF-1.4 signed');
      expectError(await call(sim, 'GET', `/documents/${UNKNOWN_ID}`), 404, 'GET /documents/{_id}');
      expectError(await call(sim, 'GET', `/documents/${UNKNOWN_ID}/file`), 404, 'GET /documents/{_id}/file');
    });

    it('POST /documents refuses a form without name, purpose or file, and a JSON body', async () => {
      const file = { bytes: 'x', name: 'a.pdf', type: 'application/pdf' };
      expectError(await upload({ purpose: 'consent_evidence' }, file), 400);
      expectError(await upload({ name: 'A', purpose: 'invoice' }, file), 400);
      expectError(await upload({ name: 'A', purpose: 'consent_evidence' }), 400);
      expectError(await call(sim, 'POST', '/documents', { body: { name: 'A', purpose: 'consent_evidence', file: 'x' } }), 400);
    });
  });

  describe('interval data', () => {
    it('GET /interval-data answers the live shape (deviation 2) for every granularity', async () => {
      for (const granularity of ['hh', 'day', 'week', 'month', 'year']) {
        const query = { meter_id: EXAMPLE_METER, granularity, start_date: '2023-06-01', end_date: '2023-06-30' };
        const response = await call(sim, 'GET', '/interval-data', { query });
        expectSpecStatus(response, 'GET /interval-data', 200);
        expectValid(DEVIATIONS.intervalData, response.body);
        expect(response.body.data.length, granularity).toBeGreaterThan(0);
      }
    });

    it('rejects bad requests', async () => {
      expectError(await call(sim, 'GET', '/interval-data', { query: { meter_id: EXAMPLE_METER, granularity: 'minute' } }), 400);
      expectError(await call(sim, 'GET', '/interval-data', { query: { meter_number: '9999999999999' } }), 400);
      expectError(await call(sim, 'GET', '/interval-data', { query: { meter_id: UNKNOWN_ID } }), 404);
      expectError(await call(sim, 'GET', '/interval-data', { query: { meter_number: '9999999999999', customer_id: UNKNOWN_ID } }), 404);
      // Limits (inferred): 62 days of hh, 366 days of day, 5 years otherwise; the end date is inclusive.
      const limit = (granularity: string, start_date: string, end_date: string) =>
        call(sim, 'GET', '/interval-data', { query: { meter_id: EXAMPLE_METER, granularity, start_date, end_date } });
      expect((await limit('hh', '2024-01-01', '2024-03-02')).status).toBe(200);
      expectError(await limit('hh', '2024-01-01', '2024-03-03'), 400);
      expect((await limit('day', '2023-01-01', '2024-01-01')).status).toBe(200);
      expectError(await limit('day', '2023-01-01', '2024-01-02'), 400);
      expect((await limit('month', '2019-01-01', '2023-12-31')).status).toBe(200);
      expectError(await limit('month', '2019-01-01', '2024-01-01'), 400);
      expectError(await call(sim, 'GET', '/interval-data', { query: { meter_id: EXAMPLE_METER, lookback: '2x' } }), 400);
      expectError(
        await call(sim, 'GET', '/interval-data', { query: { meter_id: EXAMPLE_METER, start_date: '2024-01-02', end_date: '2024-01-01' } }),
        400,
      );
      expectError(await call(sim, 'GET', '/interval-data', { query: { meter_id: EXAMPLE_METER, start_date: 'yesterday' } }), 400);
    });
  });

  it('answers 404 in the error shape for an unknown route', async () => {
    expectError(await call(sim, 'GET', '/readings'), 404);
  });

  it('was exercised on every route it serves', () => {
    const served = new Set(sim.stats().requests.map((r) => `${r.method} ${r.path}`));
    for (const [method, route] of SERVED_ROUTES) expect(served.has(`${method} ${route}`), `${method} ${route}`).toBe(true);
    const unlisted = [...served].filter((key) => !SERVED_ROUTES.some(([method, route]) => key === `${method} ${route}`));
    expect(unlisted).toEqual(['GET /v1/readings']);
  });
});

describe('Openvolt simulator behaviour', () => {
  let sim: OpenvoltSimulator;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    sim = await startOpenvoltSimulator({ now: () => NOW, webhookUrl: `${receiver.url}/hooks/openvolt?token=secret` });
  });
  afterAll(async () => {
    await sim.stop();
    await receiver.stop();
  });

  const hh = (query: Record<string, string>) => call(sim, 'GET', '/interval-data', { query });

  it('seeds 4 customers and 54 meters with a mix of statuses, sources and consents', async () => {
    expect((await call(sim, 'GET', '/customers')).body.data).toHaveLength(4);
    const meters: Json[] = (await call(sim, 'GET', '/meters', { query: { page_size: '100' } })).body.data;
    expect(meters).toHaveLength(54);
    const count = (field: string, value: string) => meters.filter((m) => m[field] === value).length;
    expect(count('status', 'pending')).toBe(1);
    expect(count('status', 'inactive')).toBeGreaterThanOrEqual(3);
    expect(count('status', 'active')).toBeGreaterThan(35);
    expect(count('data_source', 'dcc')).toBeGreaterThan(0);
    expect(new Set(meters.map((m) => m.update_frequency)).size).toBeGreaterThan(1);
    for (const number of ['9999999999999', '9999999999998', '9999999999997', '9999999999996', '9999999999995']) {
      expect(count('meter_number', number), number).toBeGreaterThanOrEqual(1);
    }
    const others = meters.filter((m) => !m.meter_number.startsWith('9999') && ['electralink', 'dcc'].includes(m.data_source));
    for (const meter of others) expect(meter.meter_number).toMatch(/^\d{13}$/);
    // Three Dutch connections (EANs other providers know too) through Openvolt's Dutch data sources, and
    // the school's SolarEdge inverter, whose number is a SolarEdge site id.
    const dutch = meters.filter((m) => !['electralink', 'dcc'].includes(m.data_source));
    expect(dutch.map((m) => [m.meter_number, m.data_source, m.status])).toEqual([
      [SHARED_METERING_POINTS.officeEan, 'edsn', 'active'],
      [SHARED_METERING_POINTS.schoolEan, 'kenter', 'active'],
      [SOLAREDGE_SITE_ID, 'solaredge', 'active'],
      [SHARED_METERING_POINTS.depotEan, 'edsn', 'active'],
    ]);
    expect(meters.filter((m) => m.validity_state.expired_consent)).toHaveLength(1);
    expect(meters.filter((m) => m.validity_state.has_invalid_meter_number)).toHaveLength(1);
  });

  it('registers meter number 9999999999999 under two customers', async () => {
    const both = (await call(sim, 'GET', '/meters', { query: { meter_number: '9999999999999' } })).body.data;
    expect(both).toHaveLength(2);
    expect(new Set(both.map((m: Json) => m.customer_id)).size).toBe(2);
    expect(both.map((m: Json) => m._id)).toContain(EXAMPLE_METER);
    const day = { start_date: '2024-01-10', end_date: '2024-01-10' };
    const [a, b] = await Promise.all(both.map((m: Json) => hh({ ...day, meter_id: m._id })));
    expect(a!.body.data.map((r: Json) => r.consumption)).toEqual(b!.body.data.map((r: Json) => r.consumption));
  });

  it('answers a day of half hours for 9999999999999: 48 rows, start-stamped, string kWh', async () => {
    const { body } = await hh({ meter_id: EXAMPLE_METER, start_date: '2024-01-10', end_date: '2024-01-10' });
    expect(body.startInterval).toBe('2024-01-10T00:00:00.000Z');
    expect(body.endInterval).toBe('2024-01-10T23:59:59.000Z');
    expect(body.granularity).toBe('hh');
    expect(body.data).toHaveLength(48);
    body.data.forEach((row: Json, i: number) => {
      expect(row.start_interval).toBe(new Date(Date.UTC(2024, 0, 10) + i * 1_800_000).toISOString());
      expect(row).toMatchObject({
        meter_id: EXAMPLE_METER,
        meter_number: '9999999999999',
        customer_id: EXAMPLE_CUSTOMER,
        consumption_units: 'kWh',
      });
      expect(typeof row.consumption).toBe('string');
      expect(Number(row.consumption)).toBeGreaterThan(0);
    });
  });

  it('gives the same rows for meter_id alone and for meter_number + customer_id', async () => {
    const range = { start_date: '2024-02-01', end_date: '2024-02-03' };
    const byId = await hh({ ...range, meter_id: EXAMPLE_METER });
    const byNumber = await hh({ ...range, meter_number: '9999999999999', customer_id: EXAMPLE_CUSTOMER });
    expect(byNumber.body).toEqual(byId.body);
    expect(byId.body.data).toHaveLength(3 * 48);
  });

  it('reads full ISO timestamps as exact instants with an exclusive end', async () => {
    const { body } = await hh({ meter_id: EXAMPLE_METER, start_date: '2024-01-10T10:00:00.000Z', end_date: '2024-01-10T12:00:00.000Z' });
    expect(body.data.map((r: Json) => r.start_interval)).toEqual([
      '2024-01-10T10:00:00.000Z',
      '2024-01-10T10:30:00.000Z',
      '2024-01-10T11:00:00.000Z',
      '2024-01-10T11:30:00.000Z',
    ]);
    expect(body.endInterval).toBe('2024-01-10T11:59:59.000Z');
  });

  it('looks back from end_date, or from now (1d by default), never past now', async () => {
    const week = await hh({ meter_id: EXAMPLE_METER, end_date: '2024-01-14', lookback: '1w' });
    expect(week.body.startInterval).toBe('2024-01-08T00:00:00.000Z');
    expect(week.body.data).toHaveLength(7 * 48);

    const recent = await hh({ meter_id: EXAMPLE_METER });
    expect(recent.body.startInterval).toBe('2024-03-14T10:07:00.000Z');
    // Half hours starting from 10:30 yesterday that have ended by 10:07 today.
    expect(recent.body.data[0].start_interval).toBe('2024-03-14T10:30:00.000Z');
    expect(recent.body.data.at(-1).start_interval).toBe('2024-03-15T09:30:00.000Z');
    expect(recent.body.data).toHaveLength(47);

    const future = await hh({ meter_id: EXAMPLE_METER, start_date: '2024-03-16', end_date: '2024-03-17' });
    expect(future.body.data).toEqual([]);
  });

  it('sums half hours into UTC calendar buckets (weeks start on Monday)', async () => {
    const month = { meter_id: EXAMPLE_METER, start_date: '2024-01-01', end_date: '2024-01-31' };
    const halfHours = (await hh(month)).body.data;
    const days = (await hh({ ...month, granularity: 'day' })).body.data;
    expect(days).toHaveLength(31);
    const wh = (rows: Json[]) => rows.reduce((sum, row) => sum + Math.round(Number(row.consumption) * 1000), 0);
    expect(wh(days.slice(0, 1))).toBe(wh(halfHours.slice(0, 48)));
    expect(wh(days)).toBe(wh(halfHours));
    const weeks = (await hh({ ...month, granularity: 'week' })).body.data;
    expect(weeks.map((r: Json) => r.start_interval.slice(0, 10))).toEqual([
      '2024-01-01',
      '2024-01-08',
      '2024-01-15',
      '2024-01-22',
      '2024-01-29',
    ]);
    const months = (await hh({ meter_id: EXAMPLE_METER, granularity: 'month', start_date: '2023-01-01', end_date: '2023-12-31' })).body
      .data;
    expect(months).toHaveLength(12);
    expect(months[1].start_interval).toBe('2023-02-01T00:00:00.000Z');
    const year = (await hh({ meter_id: EXAMPLE_METER, granularity: 'year', start_date: '2023-01-01', end_date: '2023-12-31' })).body.data;
    expect(wh(year)).toBe(wh(months));
  });

  it('leaves gap half hours out for some non-test meters, never for the test meters', async () => {
    const meters: Json[] = (await call(sim, 'GET', '/meters', { query: { page_size: '100', status: 'active' } })).body.data;
    const week = { start_date: '2024-02-01', end_date: '2024-02-07' };
    const rows = await Promise.all(
      meters.map(async (m) => [m.meter_number, (await hh({ ...week, meter_id: m._id })).body.data.length] as const),
    );
    expect(rows.filter(([number]) => number.startsWith('9999')).every(([, length]) => length === 7 * 48)).toBe(true);
    expect(rows.some(([, length]) => length < 7 * 48)).toBe(true);
  });

  it('serves no day, week or month row that has not ended or that misses a half hour', async () => {
    // NOW is 2024-03-15T10:07Z: today, this week and this month have begun but not ended.
    const open = { meter_id: EXAMPLE_METER, start_date: '2024-03-01', end_date: '2024-03-15' };
    const days = (await hh({ ...open, granularity: 'day' })).body.data.map((row: Json) => row.start_interval.slice(0, 10));
    expect(days).toHaveLength(14);
    expect(days.at(-1)).toBe('2024-03-14');
    expect((await hh({ ...open, granularity: 'week' })).body.data.map((row: Json) => row.start_interval.slice(0, 10))).toEqual([
      '2024-02-26',
      '2024-03-04',
    ]);
    expect((await hh({ ...open, granularity: 'month' })).body.data).toEqual([]);
    // A meter with gaps: a day is a row exactly when all 48 of its half hours are.
    const meters: Json[] = (await call(sim, 'GET', '/meters', { query: { page_size: '100', status: 'active' } })).body.data;
    const month = { start_date: '2024-02-01', end_date: '2024-02-29' };
    for (const meter of meters) {
      const halfHours: Json[] = (await hh({ ...month, meter_id: meter._id })).body.data;
      if (halfHours.length === 29 * 48) continue;
      const complete = new Set(
        [...new Set(halfHours.map((row) => row.start_interval.slice(0, 10)))].filter(
          (day) => halfHours.filter((row) => row.start_interval.startsWith(day)).length === 48,
        ),
      );
      const dayRows: Json[] = (await hh({ ...month, meter_id: meter._id, granularity: 'day' })).body.data;
      expect(dayRows.map((row) => row.start_interval.slice(0, 10))).toEqual([...complete]);
      return;
    }
    throw new Error('no seeded meter has gaps');
  });

  it('has no data for a pending meter', async () => {
    const [pending] = (await call(sim, 'GET', '/meters', { query: { status: 'pending' } })).body.data;
    expect((await hh({ meter_id: pending._id, start_date: '2024-01-01', end_date: '2024-01-02' })).body.data).toEqual([]);
  });

  it('delivers webhooks for created customers and meters, and meter_data.received on request', async () => {
    const customer = await call(sim, 'POST', '/customers', { body: { name: 'Hook Ltd', email: 'hook@hook.example' } });
    const customerEvent = await receiver.next();
    expect(customerEvent.url).toBe('/hooks/openvolt?token=secret');
    expect(customerEvent.contentType).toMatch(/^application\/json/);
    expect(customerEvent.body).toMatchObject({ event_id: 'customer.created', event_timestamp: NOW.toISOString(), payload: customer.body });
    expect(customerEvent.body.subscription_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(customerEvent.body.delivery_id).toMatch(/^[0-9a-f-]{36}$/);

    const meter = await call(sim, 'POST', '/meters', {
      body: { meter_number: '1200023305962', customer_id: customer.body._id, data_source: 'electralink' },
    });
    expect((await receiver.next()).body).toMatchObject({ event_id: 'meter.created', payload: { _id: meter.body._id } });

    const items = [{ meter_id: EXAMPLE_METER, start_interval: '2024-03-01T00:00:00.000Z', end_interval: '2024-03-15T00:00:00.000Z' }];
    await sim.deliverMeterDataReceived(items);
    expect((await receiver.next()).body).toMatchObject({ event_id: 'meter_data.received', payload: items });

    const post = (body: unknown) =>
      fetch(`${sim.url}/_simulator/events/meter-data-received`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post(items)).status).toBe(204);
    const delivered = await receiver.next();
    expect(delivered.body).toMatchObject({ event_id: 'meter_data.received', payload: items });
    expect(delivered.body.delivery_id).not.toBe(customerEvent.body.delivery_id);
    const unknown = await post([{ ...items[0], meter_id: UNKNOWN_ID }]);
    expect(unknown.status).toBe(404);
    expect(sim.stats().requests.some((r) => r.path.startsWith('/_simulator'))).toBe(false);
  });

  it('pulls daily: meter_data.received lists every active meter for the last full UTC day, and their pull date moves', async () => {
    sim.reset();
    const meters: Json[] = (await call(sim, 'GET', '/meters', { query: { page_size: '100' } })).body.data;
    const pulled = meters.filter((meter) => meter.status === 'active' && !meter.validity_state.is_disabled_by_user);
    await sim.pullDailyData();
    const delivery = await receiver.next();
    expect(delivery.body).toMatchObject({ event_id: 'meter_data.received', event_timestamp: NOW.toISOString() });
    expect(delivery.body.payload.map((item: Json) => item.meter_id).sort()).toEqual(pulled.map((meter) => meter._id).sort());
    expect(delivery.body.payload[0]).toEqual({
      meter_id: delivery.body.payload[0].meter_id,
      start_interval: '2024-03-14T00:00:00.000Z',
      end_interval: '2024-03-15T00:00:00.000Z',
    });
    const today = await call(sim, 'GET', '/meters', { query: { last_data_pull_date: '2024-03-15', page_size: '100' } });
    expect(today.body.data).toHaveLength(pulled.length);
    expect(today.body.data.every((meter: Json) => meter.last_data_pull_status === 'success')).toBe(true);
  });

  it('pulls by itself every dataPullEveryMs (a compressed day)', async () => {
    const ownReceiver = await startWebhookReceiver();
    const compressed = await startOpenvoltSimulator({ now: () => NOW, webhookUrl: `${ownReceiver.url}/hooks`, dataPullEveryMs: 20 });
    try {
      const first = await ownReceiver.next();
      const second = await ownReceiver.next();
      for (const delivery of [first, second]) expect(delivery.body.event_id).toBe('meter_data.received');
      expect(second.body.delivery_id).not.toBe(first.body.delivery_id);
      expect(second.body.payload).toEqual(first.body.payload);
    } finally {
      await compressed.stop();
      await ownReceiver.stop();
    }
  });

  it('answers the API call even when the webhook receiver is down', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    sim.setWebhookUrl(`http://127.0.0.1:${port}/hooks/openvolt`);
    const created = await call(sim, 'POST', '/customers', { body: { name: 'Offline Ltd', email: 'offline@offline.example' } });
    expect(created.status).toBe(200);
    sim.setWebhookUrl(`${receiver.url}/hooks/openvolt`);
  });

  it('returns to the seed on reset', async () => {
    await call(sim, 'POST', '/customers', { body: { name: 'Temp', email: 'temp@temp.example' } });
    await receiver.next();
    sim.reset();
    expect((await call(sim, 'GET', '/customers')).body.data).toHaveLength(4);
    expect(sim.stats().total).toBe(1);
  });
});

interface Delivery {
  url: string;
  contentType: string | undefined;
  body: Json;
}

interface WebhookReceiver {
  url: string;
  next(): Promise<Delivery>;
  stop(): Promise<void>;
}

/** A tiny HTTP server on port 0 that queues what it receives. */
async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: Delivery[] = [];
  const waiting: Array<(delivery: Delivery) => void> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const delivery = {
        url: req.url ?? '',
        contentType: req.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      };
      res.writeHead(204).end();
      const resolve = waiting.shift();
      if (resolve) resolve(delivery);
      else received.push(delivery);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    next: () => {
      const delivery = received.shift();
      return delivery ? Promise.resolve(delivery) : new Promise((resolve) => waiting.push(resolve));
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
