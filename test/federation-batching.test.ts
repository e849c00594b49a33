import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeErrors } from './support/operations.js';
import { startStack, type TestStack } from './support/stack.js';
import { countUpstreamCalls, startCountingGateway, type CountingGateway } from './support/upstream.js';

/**
 * Batching, proven by counting. One query touches many meters at every provider; the upstream calls it
 * costs, read from the simulators' request counters, must equal the fewest each provider's API allows.
 * The assertions are exact, so one call per meter where a provider could answer many at once (an N+1)
 * fails them, and so does a login or token request that should have been reused. Next to each figure is
 * why it is the minimum. The gateway's side is counted too: every subgraph gets one request per step of
 * the query plan, however many entities that step carries, and resolves them in one batch.
 */

/** 2 to 8 November 2026 by Dutch day: one UMeter month call, one EnerKey values window, one Intellimeter file. */
const WEEK = { from: '2026-11-02T00:00:00+01:00', to: '2026-11-09T00:00:00+01:00', resolution: 'DAY', timeZone: 'Europe/Amsterdam' };
/**
 * 5 to 11 October 2026 by Dutch day, the same shape of calls: each test asks its own weeks, so none is
 * answered from the history cache an earlier test filled (what the cache saves, history-cache.test.ts counts).
 */
const OTHER_WEEK = { from: '2026-10-05T00:00:00+02:00', to: '2026-10-12T00:00:00+02:00', resolution: 'DAY', timeZone: 'Europe/Amsterdam' };

let stack: TestStack;
let counting: CountingGateway;
beforeAll(async () => {
  stack = await startStack();
  counting = await startCountingGateway(stack);
  // Log in everywhere once (Volue and UMeter tokens, the Intellimeter session), as a running server has.
  const warm = await stack.query(`{ volueUsers(first: 1) { totalCount } umeterCustomer { id } intellimeterAccount { username } }`);
  expect(describeErrors(warm.errors)).toEqual([]);
});
afterAll(async () => {
  await counting?.stop();
  await stack?.stop();
});

describe('one query over every meter of every provider', () => {
  const EVERY_METER = /* GraphQL */ `
    query EveryMeter($range: ReadingRange!) {
      openvoltMeters(first: 100) {
        nodes {
          id
          consumption(range: $range) {
            total
          }
        }
      }
      volueUsers(first: 100) {
        nodes {
          id
          locations {
            id
            meterPointIds
          }
        }
      }
      umeterCustomer {
        connections {
          id
          consumption(range: $range) {
            total
          }
          production(range: $range) {
            total
          }
        }
      }
      enerkeyMeters(first: 100) {
        nodes {
          id
          unit
          monthlyValues(from: "2026-08-01T00:00:00Z", to: "2026-11-01T00:00:00Z") {
            values {
              value
            }
          }
        }
      }
      intellimeterPoints(first: 100) {
        nodes {
          id
          consumption(range: $range) {
            total
          }
        }
      }
    }
  `;

  it('costs exactly the fewest upstream calls each provider’s API allows', async () => {
    const counter = countUpstreamCalls(stack);
    const { data, errors } = await stack.query<{
      openvoltMeters: { nodes: Array<{ consumption: { total: number } }> };
      volueUsers: { nodes: Array<{ locations: unknown[] }> };
      umeterCustomer: { connections: Array<{ consumption: { total: number } }> };
      enerkeyMeters: { nodes: Array<{ id: string; unit: string; monthlyValues: { values: unknown[] } }> };
      intellimeterPoints: { nodes: Array<{ consumption: { total: number } }> };
    }>(EVERY_METER, { range: WEEK });

    // N per provider: every seeded meter.
    const openvolt = data.openvoltMeters.nodes.length;
    const volueUsers = data.volueUsers.nodes.length;
    const intellimeterPoints = data.intellimeterPoints.nodes.length;
    expect({
      openvolt,
      volue: data.volueUsers.nodes.flatMap((user) => user.locations).length,
      umeter: data.umeterCustomer.connections.length,
      enerkey: data.enerkeyMeters.nodes.length,
      intellimeter: intellimeterPoints,
    }).toEqual({ openvolt: 54, volue: 4, umeter: 4, enerkey: 11, intellimeter: 4 });
    expect(data.openvoltMeters.nodes.every((node) => node.consumption.total >= 0)).toBe(true);
    expect(data.intellimeterPoints.nodes.every((node) => node.consumption.total > 0)).toBe(true);

    // EnerKey's water, gas and heat meters too: monthly values serve every unit (consumption is energy only).
    expect(data.enerkeyMeters.nodes.every((node) => node.monthlyValues.values.length === 3)).toBe(true);
    expect(describeErrors(errors)).toEqual([]);

    expect(counter.calls()).toEqual({
      openvolt: {
        // One page lists every meter (page_size 100 ≥ 54).
        'GET /v1/meters': 1,
        // Openvolt serves interval data for one meter per call (meter_id), so N meters are N calls, each
        // covering the whole week (hh data: up to 62 days a call). No per-meter GET /v1/meters/{id}.
        'GET /v1/interval-data': openvolt,
      },
      volue: {
        // Volue has no location listing across users: one page of users (up to 1000), then each user's
        // locations. No token request: the token from the warm-up is reused.
        'GET /energy-coordination/v1/users': 1,
        'GET /energy-coordination/v1/users/:userId/locations': volueUsers,
      },
      umeter: {
        // One customer document holds every connection (EAN).
        'GET /api/customer': 1,
        // Days of one Dutch month come from one month call carrying every EAN and both import and
        // export (consumption and production); not one call per connection or per series.
        'GET /api/v2/measurements/month/:period': 1,
      },
      enerkey: {
        // EnerKey's meter listing needs a filter: all facilities first (as EnerKey advises), then the
        // meters of all of them in one call.
        'GET /api/v1/facilities': 1,
        'GET /api/v1/meters': 1,
        // Values for up to 50 meters (and 1830 days of monthly values) per call: all 11 in one call.
        'GET /api/v1/values/monthly': 1,
      },
      intellimeter: {
        // /data names every point of the site in one call.
        'GET /data': 1,
        // Intellimeter has no route that lists points with their details, and /point answers one point
        // (by id or name): one call per point is the minimum for each point's id, name and Modbus details.
        'GET /point': intellimeterPoints,
        // One history file (up to 93 days) holds every point's registers.
        'GET /file': 1,
      },
    });
  });
});

describe('gateway → subgraph: a list of N entities', () => {
  /** Openvolt's 54 meters, then each one's metering point at the four other providers, with readings. */
  const JOIN_FROM_EVERY_OPENVOLT_METER = /* GraphQL */ `
    query JoinFromOpenvolt($range: ReadingRange!) {
      openvoltMeters(first: 100) {
        nodes {
          id
          meteringPoint {
            id
            volueLocations {
              id
            }
            umeterConnection {
              ean
              consumption(range: $range) {
                total
              }
            }
            enerkeyMeters {
              id
              consumption(range: $range) {
                total
              }
            }
            intellimeterPoints {
              id
              consumption(range: $range) {
                total
              }
            }
          }
        }
      }
    }
  `;

  it('is one request per subgraph per plan step, each resolved through the loaders in one batch', async () => {
    counting.clear();
    const counter = countUpstreamCalls(stack);
    const { data, errors } = await new GraphQLClient(counting.url, { errorPolicy: 'all' }).rawRequest<{
      openvoltMeters: { nodes: Array<{ meteringPoint: { id: string; umeterConnection: unknown; enerkeyMeters: unknown[] } | null }> };
    }>(JOIN_FROM_EVERY_OPENVOLT_METER, { range: OTHER_WEEK });
    expect(errors ?? []).toEqual([]);
    const nodes = data.openvoltMeters.nodes;
    expect(nodes).toHaveLength(54);
    // The seed's SolarEdge meter measures no metering point (unmapped); the other 53 are on 52 (9999999999999 twice).
    const points = nodes.flatMap((node) => (node.meteringPoint ? [node.meteringPoint] : []));
    expect(points).toHaveLength(53);
    expect(new Set(points.map((point) => point.id)).size).toBe(52);
    expect(points.filter((point) => point.umeterConnection !== null)).toHaveLength(3);

    // Step 1: Openvolt's root field. Step 2: one _entities request to each of the four other
    // subgraphs, carrying all 53 metering points at once (not 53 requests).
    const shape = Object.fromEntries(
      Object.entries(counting.posts).map(([name, posts]) => [
        name,
        posts.map((post) => (post.representations === null ? 'root' : `_entities × ${post.representations}`)),
      ]),
    );
    expect(shape).toEqual({
      openvolt: ['root'],
      volue: ['_entities × 53'],
      umeter: ['_entities × 53'],
      enerkey: ['_entities × 53'],
      intellimeter: ['_entities × 53'],
    });

    // Each subgraph resolves its 53 references in one loader batch: the same fewest calls as one lookup.
    expect(counter.calls()).toEqual({
      openvolt: { 'GET /v1/meters': 1 },
      // All users and their locations, once for all 52 metering points.
      volue: { 'GET /energy-coordination/v1/users': 1, 'GET /energy-coordination/v1/users/:userId/locations': 3 },
      // The customer document once, and one month call for the connections found (three EANs).
      umeter: { 'GET /api/customer': 1, 'GET /api/v2/measurements/month/:period': 1 },
      // Meters by metering point id, up to 50 ids a call: ⌈52 / 50⌉ = 2; then one values call.
      enerkey: { 'GET /api/v1/meters': 2, 'GET /api/v1/values/hourly': 1 },
      // The stack's mapping names points 1 and 2 for two of the 52 points: one /point each, then one file for both.
      intellimeter: { 'GET /point': 2, 'GET /file': 1 },
    });
  });

  it('a deeper plan adds one request per subgraph per step, never one per entity', async () => {
    counting.clear();
    const counter = countUpstreamCalls(stack);
    // EnerKey meters → their metering points at UMeter and Openvolt (step 2) → those Openvolt meters'
    // metering points at Intellimeter (step 3).
    const { errors } = await new GraphQLClient(counting.url, { errorPolicy: 'all' }).rawRequest(/* GraphQL */ `
      {
        enerkeyMeters(first: 100) {
          nodes {
            id
            meteringPoint {
              umeterConnection {
                ean
              }
              openvoltMeters {
                id
                meteringPoint {
                  intellimeterPoints {
                    id
                  }
                }
              }
            }
          }
        }
      }
    `);
    expect(errors ?? []).toEqual([]);
    const steps = Object.fromEntries(
      Object.entries(counting.posts)
        .filter(([, posts]) => posts.length > 0)
        .map(([name, posts]) => [name, posts.map((post) => post.representations ?? 'root')]),
    );
    // EnerKey has three meters with a metering point id and one the seed's mapping names (Helsinki);
    // Openvolt has four meters on those points (the test MPAN under two customers), whose three distinct
    // points go on to Intellimeter.
    expect(steps).toEqual({ enerkey: ['root'], umeter: [4], openvolt: [4], intellimeter: [4] });
    expect(counter.calls()).toEqual({
      // Four metering points: GET /v1/meters filters by one meter_number, but this account's meters fit
      // one page, and that one page answers all four.
      openvolt: { 'GET /v1/meters': 1 },
      volue: {},
      umeter: { 'GET /api/customer': 1 },
      enerkey: { 'GET /api/v1/facilities': 1, 'GET /api/v1/meters': 1 },
      // Only the points the metering-point mapping names for those points are fetched.
      intellimeter: { 'GET /point': 2 },
    });
  });
});

describe('the same root list under two aliases', () => {
  it('costs one upstream list call, also when the aliases ask different page lengths', async () => {
    const counter = countUpstreamCalls(stack);
    const nodes = 'nodes { id }';
    const { data, errors } = await stack.query<Record<string, { nodes: Array<{ id: string }> }>>(/* GraphQL */ `
      {
        a: openvoltMeters(first: 30) { ${nodes} }
        b: openvoltMeters(first: 30) { ${nodes} }
        c: openvoltMeters(first: 10) { ${nodes} }
        d: volueUsers(first: 30) { ${nodes} }
        e: volueUsers(first: 30) { ${nodes} }
        f: enerkeyMeters(first: 30) { ${nodes} }
        g: enerkeyMeters(first: 30) { ${nodes} }
      }
    `);
    expect(describeErrors(errors)).toEqual([]);
    expect(data.a!.nodes).toHaveLength(30);
    expect(data.b).toEqual(data.a);
    expect(data.c!.nodes).toEqual(data.a!.nodes.slice(0, 10));
    expect(data.d!.nodes.length).toBeGreaterThan(0);
    expect(data.e).toEqual(data.d);
    expect(data.f!.nodes).toHaveLength(11);
    expect(data.g).toEqual(data.f);
    expect(counter.calls()).toEqual({
      // Each connection reads page 1 of 100 meters; one call answers all three.
      openvolt: { 'GET /v1/meters': 1 },
      volue: { 'GET /energy-coordination/v1/users': 1 },
      umeter: {},
      enerkey: { 'GET /api/v1/facilities': 1, 'GET /api/v1/meters': 1 },
      intellimeter: {},
    });
  });
});
