import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES_DIR, parseExample } from '../gateway/playground/examples.js';
import { SHARED_METERING_POINTS } from '../shared/simulator/index.js';
import type { ProviderName } from '../shared/graph/provider-names.js';
import { PROVIDERS as REGISTRY } from '../subgraphs/registry.js';
import { SEED_USER_IDS } from '../subgraphs/volue/simulator/seed.js';
import { describeErrors } from './support/operations.js';
import { everyProvidersMeteringPointField, meteringPointFields } from './support/providers.js';
import { OPEN_WITH_ADMIN, startStack, type TestStack } from './support/stack.js';

/**
 * One graph across five providers: the same physical connection (a national metering point id) is
 * known to several providers, `meteringPoint(id)` answers every provider's view of it, a meter of one
 * provider leads to another provider's readings of the same connection, and one `Meter` fragment reads
 * any provider's meter the same way.
 */

const { officeEan, schoolEan, homeEan, testMpan } = SHARED_METERING_POINTS;
const PROVIDERS: ProviderName[] = REGISTRY.map((provider) => provider.provider);
/** Each provider's field on MeteringPoint, by its Provider value. */
const JOIN_FIELD = Object.fromEntries(REGISTRY.map(({ name, provider }) => [provider, meteringPointFields()[name]!]));

/** A national metering point id: a 13-digit MPAN core or an 18-digit EAN. */
const NATIONAL_ID = /^(\d{13}|\d{18})$/;
/** 2 to 8 November 2026 by Dutch day. */
const WEEK = { from: '2026-11-02T00:00:00+01:00', to: '2026-11-09T00:00:00+01:00', resolution: 'DAY', timeZone: 'Europe/Amsterdam' };

interface MeterSummary {
  __typename: string;
  id: string;
  provider: ProviderName;
  meterPointId: string | null;
  name: string | null;
}

const METER_SUMMARY = /* GraphQL */ `
  fragment MeterSummary on Meter {
    __typename
    id
    provider
    meterPointId
    name
  }
`;

/** The typename each provider's Meter has: what its MeteringPoint field lists. */
const METER_TYPE = Object.fromEntries(PROVIDERS.map((provider) => [provider, JOIN_FIELD[provider]!.type])) as Record<ProviderName, string>;

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack(OPEN_WITH_ADMIN);
});
afterAll(async () => {
  await stack?.stop();
});

async function ok<T>(document: string, variables?: Record<string, unknown>): Promise<T> {
  const { data, errors } = await stack.query<T>(document, variables);
  expect(describeErrors(errors)).toEqual([]);
  return data;
}

describe('meteringPoint(id): every provider’s view of one connection', () => {
  const EVERY_VIEW = /* GraphQL */ `
    query EveryView($id: ID!) {
      meteringPoint(id: $id) {
        id
        ${everyProvidersMeteringPointField('{ ...MeterSummary }')}
      }
    }
    ${METER_SUMMARY}
  `;

  // How many meters each provider's seed has on each shared connection (a provider not named: none).
  const EXPECTED: Array<[string, string, Partial<Record<ProviderName, number>>]> = [
    ['the office EAN', officeEan, { OPENVOLT: 1, VOLUE: 1, UMETER: 1, ENERKEY: 1, INTELLIMETER: 1 }],
    ['the school EAN', schoolEan, { OPENVOLT: 1, VOLUE: 0, UMETER: 1, ENERKEY: 1, INTELLIMETER: 1 }],
    ['the home EAN', homeEan, { OPENVOLT: 0, VOLUE: 1, UMETER: 1, ENERKEY: 0, INTELLIMETER: 0 }],
    ['Openvolt’s test MPAN (under two customers)', testMpan, { OPENVOLT: 2, VOLUE: 1, UMETER: 0, ENERKEY: 1, INTELLIMETER: 0 }],
  ];

  it.each(EXPECTED)('%s: every provider that knows it, each meter carrying that id', async (_label, id, counts) => {
    const data = await ok<{ meteringPoint: Record<string, MeterSummary[] | MeterSummary | null> & { id: string } }>(EVERY_VIEW, { id });
    const point = data.meteringPoint;
    expect(point.id).toBe(id);
    for (const provider of PROVIDERS) {
      const answer = point[JOIN_FIELD[provider]!.field];
      const meters = Array.isArray(answer) ? answer : answer ? [answer] : [];
      expect(meters, provider).toHaveLength(counts[provider] ?? 0);
      for (const meter of meters) {
        expect(meter).toMatchObject({ __typename: METER_TYPE[provider], provider, meterPointId: id });
      }
    }
  });

  it('an id nobody knows is every provider’s empty answer, not an error', async () => {
    const data = await ok<{ meteringPoint: Record<string, unknown> }>(EVERY_VIEW, { id: '871687120000009999' });
    expect(data.meteringPoint).toEqual({
      id: '871687120000009999',
      // A list of meters is empty; one meter (UMeter's connection) is null.
      ...Object.fromEntries(Object.values(JOIN_FIELD).map(({ field, list }) => [field, list ? [] : null])),
    });
  });
});

describe('a meter of one provider leads to another provider’s readings of the same connection', () => {
  const VOLUE_TO_READINGS = /* GraphQL */ `
    query VolueToReadings($userId: ID!, $range: ReadingRange!) {
      volueUser(id: $userId) {
        meters {
          provider
          meterPointId
          meteringPoint {
            id
            umeterConnection {
              provider
              ean
              consumption(range: $range) {
                total
                count
                missing
              }
            }
            openvoltMeters {
              provider
              dataSource
              consumption(range: $range) {
                total
                count
                missing
              }
            }
          }
        }
      }
    }
  `;

  interface Series {
    total: number;
    count: number;
    missing: number;
  }

  it('Volue’s office meter → its EAN → UMeter’s and Openvolt’s consumption, which agree', async () => {
    const data = await ok<{
      volueUser: {
        meters: Array<{
          provider: string;
          meterPointId: string;
          meteringPoint: {
            id: string;
            umeterConnection: { provider: string; ean: string; consumption: Series } | null;
            openvoltMeters: Array<{ provider: string; dataSource: string; consumption: Series }>;
          };
        }>;
      };
    }>(VOLUE_TO_READINGS, { userId: SEED_USER_IDS.office, range: WEEK });
    const office = data.volueUser.meters.find((meter) => meter.meterPointId === officeEan)!;
    expect(office.provider).toBe('VOLUE');
    expect(office.meteringPoint.id).toBe(officeEan);
    const umeter = office.meteringPoint.umeterConnection!;
    const [openvolt, ...others] = office.meteringPoint.openvoltMeters;
    expect(others).toEqual([]);
    expect(umeter).toMatchObject({ provider: 'UMETER', ean: officeEan, consumption: { count: 7, missing: 0 } });
    expect(openvolt).toMatchObject({ provider: 'OPENVOLT', dataSource: 'EDSN', consumption: { count: 7, missing: 0 } });
    expect(umeter.consumption.total).toBeGreaterThan(0);
    // One building, one grid connection: both providers measure the same energy.
    expect(openvolt!.consumption.total).toBeCloseTo(umeter.consumption.total, 3);

    // The same user's British meter joins Openvolt's test MPAN (two customers) and no Dutch connection.
    const london = data.volueUser.meters.find((meter) => meter.meterPointId === testMpan)!;
    expect(london.meteringPoint.umeterConnection).toBeNull();
    expect(london.meteringPoint.openvoltMeters.map((meter) => meter.dataSource)).toEqual(['ELECTRALINK', 'ELECTRALINK']);
    expect(new Set(london.meteringPoint.openvoltMeters.map((meter) => meter.consumption.total)).size).toBe(1);
  });

  it('an Openvolt meter of a Dutch data source leads back to UMeter, EnerKey, Intellimeter and Volue', async () => {
    const data = await ok<{
      meteringPoint: { openvoltMeters: Array<{ meteringPoint: Record<string, unknown> }> };
    }>(
      /* GraphQL */ `
        query OpenvoltToEveryone($id: ID!) {
          meteringPoint(id: $id) {
            openvoltMeters {
              meteringPoint {
                umeterConnection {
                  ean
                }
                enerkeyMeters {
                  id
                }
                intellimeterPoints {
                  id
                }
                volueLocations {
                  userId
                }
              }
            }
          }
        }
      `,
      { id: officeEan },
    );
    expect(data.meteringPoint.openvoltMeters.map((meter) => meter.meteringPoint)).toEqual([
      {
        umeterConnection: { ean: officeEan },
        enerkeyMeters: [{ id: '20001' }],
        intellimeterPoints: [{ id: '1' }],
        volueLocations: [{ userId: SEED_USER_IDS.office }],
      },
    ]);
  });
});

describe('one Meter fragment reads any provider’s meter', () => {
  const portfolio = parseExample(readFileSync(`${EXAMPLES_DIR}portfolio-all-providers.graphql`, 'utf8'), 'portfolio-all-providers.graphql');

  interface Portfolio {
    openvoltMeters: { nodes: Array<MeterSummary & { consumption: { total: number } }> };
    volueUsers: { nodes: Array<{ meters: MeterSummary[] }> };
    umeterCustomer: { connections: Array<MeterSummary & { consumption: { total: number } }> };
    enerkeyMeters: { nodes: MeterSummary[] };
    intellimeterPoints: { nodes: Array<MeterSummary & { consumption: { total: number } }> };
  }

  /** Where the example's answer holds each provider's meters: it asks each provider's own root field. */
  const METERS_IN: Partial<Record<ProviderName, (data: Portfolio) => MeterSummary[]>> = {
    OPENVOLT: (data) => data.openvoltMeters.nodes,
    VOLUE: (data) => data.volueUsers.nodes.flatMap((user) => user.meters),
    UMETER: (data) => data.umeterCustomer.connections,
    ENERKEY: (data) => data.enerkeyMeters.nodes,
    INTELLIMETER: (data) => data.intellimeterPoints.nodes,
  };
  const IN_PORTFOLIO = Object.keys(METERS_IN) as ProviderName[];

  let byProvider: Record<string, MeterSummary[]>;
  beforeAll(async () => {
    // The playground's portfolio example: every provider's meters in one request, one fragment for all.
    const withTypename = portfolio.query.replace('fragment MeterSummary on Meter {', 'fragment MeterSummary on Meter {\n  __typename');
    const data = await ok<Portfolio>(withTypename, portfolio.variables!);
    byProvider = Object.fromEntries(IN_PORTFOLIO.map((provider) => [provider, METERS_IN[provider]!(data)]));
  });

  it('the portfolio example answers every provider’s meters in one request', () => {
    expect(Object.fromEntries(IN_PORTFOLIO.map((provider) => [provider, byProvider[provider].length]))).toEqual({
      OPENVOLT: 54,
      VOLUE: 4,
      UMETER: 4,
      ENERKEY: 11,
      INTELLIMETER: 4,
    });
  });

  it.each(IN_PORTFOLIO)('%s: id, provider, meterPointId (a national id or null) and name mean the same', (provider) => {
    const meters = byProvider[provider];
    for (const meter of meters) {
      expect(meter.__typename).toBe(METER_TYPE[provider]);
      expect(meter.provider).toBe(provider);
      expect(meter.id).toMatch(/\S/);
      if (meter.meterPointId !== null) expect(meter.meterPointId).toMatch(NATIONAL_ID);
      if (meter.name !== null) expect(meter.name.trim()).not.toBe('');
    }
    // Ids are the provider's own and unique within it (a Volue meter id is unique across users).
    expect(new Set(meters.map((meter) => meter.id)).size).toBe(meters.length);
  });

  it('each provider answers the shared connections with the national id, and its own name', () => {
    const pick = (provider: ProviderName, id: string) => byProvider[provider].find((meter) => meter.id === id);
    const openvoltOffice = byProvider.OPENVOLT.find((meter) => meter.meterPointId === officeEan);
    expect(openvoltOffice).toMatchObject({ name: 'Hoofdaansluiting – Kantoor Catharijnesingel' });
    expect(byProvider.OPENVOLT.find((meter) => meter.id === '6514167223e3d1424bf82742')).toMatchObject({
      meterPointId: testMpan,
      name: 'Openvolt test meter 1',
    });
    // Volue's current API has no address or name for a location: a Volue meter's name is the address Gridgraph
    // kept when it was registered through the graph, and the simulator's seeded office has none.
    expect(byProvider.VOLUE.find((meter) => meter.meterPointId === officeEan)).toMatchObject({ provider: 'VOLUE', name: null });
    expect(pick('UMETER', officeEan)).toMatchObject({ meterPointId: officeEan, name: 'Kantoor Catharijnesingel' });
    expect(pick('ENERKEY', '20001')).toMatchObject({ meterPointId: officeEan, name: 'Main electricity' });
    expect(pick('ENERKEY', '20002')).toMatchObject({ meterPointId: null, name: 'District heating' });
    expect(pick('INTELLIMETER', '1')).toMatchObject({ meterPointId: officeEan, name: 'meter1' });
    expect(pick('INTELLIMETER', '3')).toMatchObject({ meterPointId: null, name: 'chiller' });
  });

  it('a meter whose number is no metering point (an Openvolt SolarEdge site) has meterPointId and meteringPoint null', async () => {
    const registered = await ok<{ registerOpenvoltMeter: { id: string } & Record<string, unknown> }>(/* GraphQL */ `
      mutation {
        registerOpenvoltMeter(
          input: { customerId: "6514153c23e3d1424bf82738", meterNumber: "SE-4471093", dataSource: SOLAREDGE, description: "Roof PV" }
        ) {
          id
          ...MeterSummary
          meterNumber
          meteringPoint {
            id
          }
        }
      }
      ${METER_SUMMARY}
    `);
    try {
      expect(registered.registerOpenvoltMeter).toMatchObject({
        provider: 'OPENVOLT',
        meterPointId: null,
        name: 'Roof PV',
        meterNumber: 'SE-4471093',
        meteringPoint: null,
      });
    } finally {
      await ok(`mutation { deleteOpenvoltMeter(id: "${registered.registerOpenvoltMeter.id}") { deleted } }`);
    }
  });
});
