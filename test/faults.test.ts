import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../shared/simulator/server.js';
import { SHARED_METERING_POINTS } from '../shared/simulator/shared-metering-points.js';
import type { UmeterSimulator } from '../subgraphs/umeter/simulator/index.js';
import type { VolueSimulator } from '../subgraphs/volue/simulator/index.js';
import { SEED_USER_IDS } from '../subgraphs/volue/simulator/seed.js';
import { settingPrefix } from '../shared/subgraph/provider.js';
import { PROVIDERS } from '../subgraphs/registry.js';
import { describeErrors } from './support/operations.js';
import { everyProvidersMeteringPointField, meteringPointFields } from './support/providers.js';
import { startStack, type GraphQLErrorShape, type TestStack } from './support/stack.js';

/**
 * Upstream faults injected through the simulators' fault settings, seen through the gateway: every
 * fault becomes a coded error on the failing provider's fields only, and the rest of the answer
 * arrives. Call counts (never timings) prove what reached the provider.
 */

// Short timeouts keep the suite fast; Openvolt's breaker opens after 3 failed calls and probes after 1.5 s.
const ENV: Record<string, string> = Object.fromEntries(
  PROVIDERS.flatMap((provider) => [
    [`${settingPrefix(provider)}_TIMEOUT_MS`, '400'],
    [`${settingPrefix(provider)}_RETRIES`, '2'],
  ]),
);
Object.assign(ENV, { OPENVOLT_BREAKER_VOLUME_THRESHOLD: '3', OPENVOLT_BREAKER_RESET_MS: '1500' });

let stack: TestStack;
const sim = <T extends RunningSimulator = RunningSimulator>(name: string) => stack.simulator<T>(name);

beforeAll(async () => {
  stack = await startStack(ENV);
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  for (const name of Object.keys(stack.subgraphs)) {
    sim(name).setFaults({ errorRate: 0, errorBurst: 0, hangRate: 0, dropRate: 0, rateLimit: null });
    sim(name).reset();
  }
});

const OPENVOLT_CUSTOMERS = /* GraphQL */ `
  query {
    openvoltCustomers(first: 5) {
      nodes {
        id
      }
    }
  }
`;

function only(errors: GraphQLErrorShape[]): GraphQLErrorShape {
  expect(errors, describeErrors(errors).join('\n')).toHaveLength(1);
  return errors[0]!;
}

describe('5xx bursts', () => {
  it('a burst shorter than the retries: the GET is retried and the query succeeds', async () => {
    sim('openvolt').setFaults({ errorBurst: 2, errorStatus: 503 });
    const { data, errors } = await stack.query(OPENVOLT_CUSTOMERS);
    expect(describeErrors(errors)).toEqual([]);
    expect(data.openvoltCustomers.nodes.length).toBeGreaterThan(0);
    expect(sim('openvolt').callCount('GET', '/v1/customers')).toBe(3);
  });

  it('a longer burst opens the breaker: UPSTREAM_UNAVAILABLE at once, with no call, until a probe succeeds', async () => {
    sim('openvolt').setFaults({ errorBurst: 1_000, errorStatus: 502 });
    // Each failing query is one failed breaker call of 3 HTTP attempts; after at most 3 the circuit is open.
    let refused: GraphQLErrorShape | undefined;
    for (let i = 0; i < 4 && !refused; i++) {
      const error = only((await stack.query(OPENVOLT_CUSTOMERS)).errors);
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'OPENVOLT' });
      if (error.extensions!.circuit === 'OPEN') refused = error;
    }
    expect(refused, 'the circuit opened').toBeDefined();
    expect(refused!.message).toMatch(/Openvolt is failing.*probes Openvolt again/);
    const callsWhileFailing = sim('openvolt').callCount('GET', '/v1/customers');
    expect(callsWhileFailing % 3).toBe(0); // every failed query made its three attempts; the refused one none

    for (let i = 0; i < 5; i++) {
      const error = only((await stack.query(OPENVOLT_CUSTOMERS)).errors);
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'OPENVOLT', circuit: 'OPEN' });
    }
    expect(sim('openvolt').callCount('GET', '/v1/customers')).toBe(callsWhileFailing);

    // The provider recovers; after the reset time the next query is the probe, and it closes the circuit.
    sim('openvolt').setFaults({ errorBurst: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const probe = await stack.query(OPENVOLT_CUSTOMERS);
    expect(describeErrors(probe.errors)).toEqual([]);
    expect((await stack.query(OPENVOLT_CUSTOMERS)).errors).toEqual([]);
    expect(sim('openvolt').callCount('GET', '/v1/customers')).toBe(callsWhileFailing + 2);
  });
});

describe('timeouts', () => {
  it('a provider that does not answer in time is UPSTREAM_TIMEOUT naming it', async () => {
    sim('enerkey').setFaults({ hangRate: 1 });
    const { errors } = await stack.query(`query { enerkeyQuantities { id } }`);
    expect(only(errors).extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', provider: 'ENERKEY' });
    expect(sim('enerkey').stats().total).toBe(3); // the first attempt and two retries, each timed out
  });
});

describe('429 with Retry-After', () => {
  it('is UPSTREAM_RATE_LIMITED with retryAfter, and a long Retry-After is not waited out', async () => {
    const account = `query { umeterCustomer { email } }`;
    expect((await stack.query(account)).errors).toEqual([]); // logs in: the token is cached from now on
    sim('umeter').reset();
    sim('umeter').setFaults({ rateLimit: { limit: 1, windowMs: 60_000 } });
    expect((await stack.query(account)).errors).toEqual([]);
    const { errors } = await stack.query(account);
    const limited = only(errors);
    expect(limited.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', provider: 'UMETER' });
    expect(limited.extensions!.retryAfter).toBeGreaterThan(1);
    expect(sim('umeter').stats().total).toBe(2); // one answered, one refused: not retried
  });
});

describe('an expired token', () => {
  const volueUser = `query ($id: ID!) { volueUser(id: $id) { id } }`;
  const umeterCustomer = `query { umeterCustomer { email } }`;

  it('Volue: one new token request, and the query succeeds', async () => {
    expect((await stack.query(volueUser, { id: SEED_USER_IDS.cabin })).errors).toEqual([]);
    const tokenRequests = sim('volue').callCount('POST', '/connect/token');
    sim<VolueSimulator>('volue').tokens.expireAll();
    const { data, errors } = await stack.query(volueUser, { id: SEED_USER_IDS.cabin });
    expect(describeErrors(errors)).toEqual([]);
    expect(data.volueUser.id).toBe(SEED_USER_IDS.cabin);
    expect(sim('volue').callCount('POST', '/connect/token')).toBe(tokenRequests + 1);
  });

  it('UMeter: one new login, and the query succeeds', async () => {
    expect((await stack.query(umeterCustomer)).errors).toEqual([]);
    const logins = sim('umeter').callCount('POST', '/token');
    sim<UmeterSimulator>('umeter').expireTokens();
    const { data, errors } = await stack.query(umeterCustomer);
    expect(describeErrors(errors)).toEqual([]);
    expect(data.umeterCustomer.email).toBeTruthy();
    expect(sim('umeter').callCount('POST', '/token')).toBe(logins + 1);
  });
});

describe('dropped connections', () => {
  it('a provider that drops the connection is UPSTREAM_UNAVAILABLE after the retries', async () => {
    const volueUser = `query ($id: ID!) { volueUser(id: $id) { id } }`;
    expect((await stack.query(volueUser, { id: SEED_USER_IDS.cabin })).errors).toEqual([]); // token cached
    sim('volue').reset();
    sim('volue').setFaults({ dropRate: 1 });
    const { errors } = await stack.query(volueUser, { id: SEED_USER_IDS.cabin });
    expect(only(errors).extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'VOLUE' });
    expect(sim('volue').stats().total).toBe(3);
  });
});

const PORTFOLIO = `query ($id: ID!) { meteringPoint(id: $id) { id ${everyProvidersMeteringPointField()} } }`;

/** Each provider's field on MeteringPoint, by provider name. */
const FIELDS: Record<string, string> = Object.fromEntries(Object.entries(meteringPointFields()).map(([name, { field }]) => [name, field]));

async function portfolio(id: string) {
  return stack.query<{ meteringPoint: Record<string, unknown> }>(PORTFOLIO, { id });
}

describe('one provider down', () => {
  it.each(Object.keys(FIELDS))('%s down: only its field is null, with a coded error; every other provider answers', async (down) => {
    const baseline = await portfolio(SHARED_METERING_POINTS.testMpan);
    expect(describeErrors(baseline.errors)).toEqual([]);
    const office = await portfolio(SHARED_METERING_POINTS.officeEan);
    expect(describeErrors(office.errors)).toEqual([]);

    sim(down).setFaults({ errorRate: 1, errorStatus: 503 });
    // The provider's own id kind: an MPAN for Openvolt, the office EAN for the others.
    const [id, healthy] = down === 'openvolt' ? [SHARED_METERING_POINTS.testMpan, baseline] : [SHARED_METERING_POINTS.officeEan, office];
    const { data, errors } = await portfolio(id);
    const error = only(errors);
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: down.toUpperCase() });
    expect((error as { path?: unknown }).path).toEqual(['meteringPoint', FIELDS[down]]);
    expect(data.meteringPoint[FIELDS[down]!]).toBeNull();
    for (const [name, field] of Object.entries(FIELDS)) {
      if (name !== down) expect(data.meteringPoint[field], field).toEqual(healthy.data.meteringPoint[field]);
    }
  });
});

describe('a subgraph process down', () => {
  it('the gateway nulls its fields with UPSTREAM_UNAVAILABLE naming it; every other provider answers', async () => {
    const id = SHARED_METERING_POINTS.officeEan;
    const healthy = await portfolio(id);
    expect(describeErrors(healthy.errors)).toEqual([]);
    expect(healthy.data.meteringPoint.intellimeterPoints).not.toEqual([]);

    await stack.subgraphs.intellimeter!.subgraph.stop();
    const { data, errors } = await portfolio(id);
    const error = only(errors);
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', subgraph: 'intellimeter' });
    expect(error.message).toMatch(/intellimeter part of the graph is unavailable/);
    expect(data.meteringPoint.intellimeterPoints).toBeNull();
    for (const field of Object.values(FIELDS).filter((each) => each !== 'intellimeterPoints')) {
      expect(data.meteringPoint[field], field).toEqual(healthy.data.meteringPoint[field]);
    }
  });
});
