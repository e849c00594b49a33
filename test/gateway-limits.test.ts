import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../subgraphs/registry.js';
import { startStack, type TestStack } from './support/stack.js';

/**
 * Query limits at the gateway (issue 9, "Query limits"): a query over a limit gets a coded error naming
 * the limit, and no subgraph or provider is called for it. Aliases and Armor's cost are lowered by
 * environment here (the defaults let every README and playground example through: the costliest,
 * the all-providers metering point example, costs about 3,400 against the default 20,000); the rest are
 * the defaults.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ GATEWAY_MAX_ALIASES: '3', GATEWAY_MAX_COST: '60' });
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  for (const module of PROVIDERS) stack.simulator(module.name).reset();
});

function upstreamCalls(): number {
  return PROVIDERS.reduce((sum, module) => sum + stack.simulator(module.name).stats().total, 0);
}

async function expectRefused(document: string, variables: Record<string, unknown> | undefined, code: string, limit: string) {
  const { data, errors } = await stack.query(document, variables);
  expect(data).toBeNull();
  // A query can break several limits at once (a deep query is costly too); each names its own.
  const error = errors.find((each) => each.extensions?.limit === limit);
  expect(error?.extensions).toMatchObject({ code, limit, max: expect.any(Number) });
  expect(error!.message).toContain(`limit ${limit} =`);
  expect(upstreamCalls()).toBe(0);
  return error!;
}

const CUSTOMER = '6514153c23e3d1424bf82738';
const CUSTOMER_METERS = `query CustomerMeters($id: ID!, $first: Int!, $range: ReadingRange!) {
  openvoltCustomer(id: $id) { meters(first: $first) { nodes { consumption(range: $range) { total } } } }
}`;

describe('query limits', () => {
  it('counts upstream calls for a query within the limits (the control for the assertions below)', async () => {
    const { data, errors } = await stack.query(CUSTOMER_METERS, {
      id: CUSTOMER,
      first: 2,
      range: { from: '2026-11-02T00:00:00Z', to: '2026-11-09T00:00:00Z', resolution: 'DAY' },
    });
    expect(errors).toEqual([]);
    expect(data.openvoltCustomer.meters.nodes.length).toBeGreaterThan(0);
    expect(upstreamCalls()).toBeGreaterThan(0);
  });

  it('refuses a query nested deeper than GATEWAY_MAX_DEPTH (default 12) with QUERY_TOO_DEEP', async () => {
    let selection = 'id';
    for (let level = 0; level < 7; level++) selection = `openvoltMeters { meteringPoint { ${selection} } }`;
    const error = await expectRefused(`{ meteringPoint(id: "9999999999999") { ${selection} } }`, undefined, 'QUERY_TOO_DEEP', 'maxDepth');
    expect(error.extensions).toMatchObject({ max: 12 });
  });

  it('refuses more aliases than GATEWAY_MAX_ALIASES with TOO_MANY_ALIASES', async () => {
    const aliases = ['a', 'b', 'c', 'd'].map((alias) => `${alias}: openvoltMeter(id: "6514167223e3d1424bf82742") { id }`).join(' ');
    const error = await expectRefused(`{ ${aliases} }`, undefined, 'TOO_MANY_ALIASES', 'maxAliases');
    expect(error.extensions).toMatchObject({ max: 3, found: 4 });
  });

  it('refuses a document of more than GATEWAY_MAX_TOKENS (default 2000) tokens with TOO_MANY_TOKENS', async () => {
    const fields = Array.from({ length: 2100 }, () => 'id').join(' ');
    const error = await expectRefused(
      `{ openvoltMeter(id: "6514167223e3d1424bf82742") { ${fields} } }`,
      undefined,
      'TOO_MANY_TOKENS',
      'maxTokens',
    );
    expect(error.extensions).toMatchObject({ max: 2000 });
  });

  it('refuses more directives than GATEWAY_MAX_DIRECTIVES (default 30) with TOO_MANY_DIRECTIVES', async () => {
    const fields = Array.from({ length: 31 }, () => 'id @include(if: true)').join(' ');
    await expectRefused(
      `{ openvoltMeter(id: "6514167223e3d1424bf82742") { ${fields} } }`,
      undefined,
      'TOO_MANY_DIRECTIVES',
      'maxDirectives',
    );
  });

  it('refuses a query over Armor’s cost limit (GATEWAY_MAX_COST) with QUERY_TOO_COMPLEX', async () => {
    const fields = 'id meterNumber status description customer { id name email meters { nodes { id meterNumber status description } } }';
    const error = await expectRefused(`{ openvoltMeters { nodes { ${fields} } } }`, undefined, 'QUERY_TOO_COMPLEX', 'maxCost');
    expect(error.extensions).toMatchObject({ max: 60, found: expect.any(Number) });
  });

  it('refuses a query estimated at more readings than GATEWAY_MAX_READINGS (list sizes × time-series lengths)', async () => {
    // 50 meters × a year of half hours ≈ 880,000 readings; the default limit is 100,000.
    const range = { from: '2025-11-01T00:00:00Z', to: '2026-11-01T00:00:00Z', resolution: 'HALF_HOUR' };
    const error = await expectRefused(CUSTOMER_METERS, { id: CUSTOMER, first: 50, range }, 'QUERY_TOO_COMPLEX', 'maxReadings');
    expect(error.extensions).toMatchObject({ max: 100_000, estimated: 50 * (365 * 48 + 1) });
    expect(error.message).toMatch(/shorter ranges, a coarser resolution or smaller pages/);
  });

  it('counts each alias of a per-reading field as another copy of every reading, so aliases cannot multiply an answer past the cap', async () => {
    // 5 meters × a year of half hours is within the cap; three copies of each reading's start are not.
    const document = `query ($id: ID!, $first: Int!, $range: ReadingRange!) {
      openvoltCustomer(id: $id) { meters(first: $first) { nodes { consumption(range: $range) { readings { start a: start b: start } } } } }
    }`;
    const range = { from: '2025-11-01T00:00:00Z', to: '2026-11-01T00:00:00Z', resolution: 'HALF_HOUR' };
    const error = await expectRefused(document, { id: CUSTOMER, first: 5, range }, 'QUERY_TOO_COMPLEX', 'maxReadings');
    expect(error.extensions).toMatchObject({ max: 100_000, estimated: 3 * 5 * (365 * 48 + 1) });
  });
});
