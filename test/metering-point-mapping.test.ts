import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_METERING_POINTS } from '../shared/simulator/index.js';
import type { RunningSimulator } from '../shared/simulator/server.js';
import { ENERKEY_SIMULATOR_KEYS, startEnerkeySimulator, type EnerkeySimulator } from '../subgraphs/enerkey/simulator/index.js';
import {
  INTELLIMETER_SIMULATOR_API_KEY,
  startIntellimeterSimulator,
  type IntellimeterSimulator,
} from '../subgraphs/intellimeter/simulator/index.js';
import { OPENVOLT_SIMULATOR_API_KEY, startOpenvoltSimulator, type OpenvoltSimulator } from '../subgraphs/openvolt/simulator/index.js';
import { OPEN_WITH_ADMIN, startStack, type TestStack } from './support/stack.js';

/**
 * The metering-point mapping through the gateway, for Intellimeter, whose points record no metering
 * point, and for Openvolt's and EnerKey's meters that record none: against APIs the stack did not start
 * (as against the real ones), the mapping comes only from METERING_POINT_MAPPING_FILE and the
 * set…MeteringPoint mutations, it joins both ways, what is set wins over the file and outlives a restart,
 * and bad input or an unknown meter is refused before anything is stored.
 */

const { officeEan, schoolEan, homeEan, testMpan } = SHARED_METERING_POINTS;
let intellimeter: IntellimeterSimulator;
let openvolt: OpenvoltSimulator;
let enerkey: EnerkeySimulator;
let stack: TestStack;
let folder: string;

beforeAll(async () => {
  [intellimeter, openvolt, enerkey] = await Promise.all([
    startIntellimeterSimulator({ host: '127.0.0.1', port: 0 }),
    startOpenvoltSimulator({ host: '127.0.0.1', port: 0 }),
    startEnerkeySimulator({ host: '127.0.0.1', port: 0 }),
  ]);
  folder = mkdtempSync(join(tmpdir(), 'gridgraph-mapping-'));
  const file = join(folder, 'metering-points.csv');
  // Another provider's rows are that provider's business; a blank id says "none". Openvolt has no meter
  // with id x: the entry is listed, but joins nothing.
  writeFileSync(
    file,
    `provider,meterId,meteringPointId\nINTELLIMETER,4,${homeEan}\nintellimeter,1,${officeEan}\nOPENVOLT,x,${schoolEan}\nINTELLIMETER,2,\n` +
      `ENERKEY,20022,${testMpan}\n`,
  );
  stack = await startStack({
    ...OPEN_WITH_ADMIN,
    INTELLIMETER_API_URL: intellimeter.url,
    INTELLIMETER_API_KEY: INTELLIMETER_SIMULATOR_API_KEY,
    OPENVOLT_API_URL: `${openvolt.url}/v1`,
    OPENVOLT_API_KEY: OPENVOLT_SIMULATOR_API_KEY,
    ENERKEY_API_URL: enerkey.url,
    ENERKEY_API_KEY: ENERKEY_SIMULATOR_KEYS.primary,
    // Call counts, not EnerKey's burst window, are what these tests are about.
    ENERKEY_BURST_LIMIT: '0',
    METERING_POINT_MAPPING_FILE: file,
  });
});
afterAll(async () => {
  await stack?.stop();
  await Promise.all([intellimeter?.stop(), openvolt?.stop(), enerkey?.stop()]);
  rmSync(folder, { recursive: true, force: true });
});

const POINTS = /* GraphQL */ `
  {
    intellimeterPoints {
      nodes {
        id
        meterPointId
        meteringPoint {
          id
        }
      }
    }
    office: meteringPoint(id: "${officeEan}") {
      intellimeterPoints {
        id
      }
    }
    school: meteringPoint(id: "${schoolEan}") {
      intellimeterPoints {
        id
      }
    }
    home: meteringPoint(id: "${homeEan}") {
      intellimeterPoints {
        id
      }
    }
    intellimeterMeteringPointMappings {
      provider
      meterId
      meteringPointId
      source
    }
  }
`;

const SET = /* GraphQL */ `
  mutation Set($meterId: ID!, $meteringPointId: ID) {
    setIntellimeterMeteringPoint(meterId: $meterId, meteringPointId: $meteringPointId) {
      provider
      meterId
      meteringPointId
      source
    }
  }
`;

/** Each point's metering point, as its own fields and as each metering point's list say. */
async function joins() {
  const { data, errors } = await stack.query(POINTS);
  expect(errors).toEqual([]);
  const nodes = data.intellimeterPoints.nodes as Array<{ id: string; meterPointId: string | null; meteringPoint: { id: string } | null }>;
  for (const node of nodes) expect(node.meteringPoint?.id ?? null).toBe(node.meterPointId);
  const ids = (point: { intellimeterPoints: Array<{ id: string }> }) => point.intellimeterPoints.map(({ id }) => id);
  return {
    byPoint: Object.fromEntries(nodes.map((node) => [node.id, node.meterPointId])),
    office: ids(data.office),
    school: ids(data.school),
    home: ids(data.home),
    mappings: data.intellimeterMeteringPointMappings,
  };
}

describe('the metering-point mapping (Intellimeter)', () => {
  it('comes from the configured file only: the API itself records none, and the simulator seeds nothing here', async () => {
    expect(await joins()).toEqual({
      byPoint: { '1': officeEan, '2': null, '3': null, '4': homeEan },
      office: ['1'],
      school: [],
      home: ['4'],
      mappings: [
        { provider: 'INTELLIMETER', meterId: '1', meteringPointId: officeEan, source: 'CONFIGURED' },
        { provider: 'INTELLIMETER', meterId: '2', meteringPointId: null, source: 'CONFIGURED' },
        { provider: 'INTELLIMETER', meterId: '4', meteringPointId: homeEan, source: 'CONFIGURED' },
      ],
    });
  });

  it('is set through setIntellimeterMeteringPoint, wins over the file, and joins both ways', async () => {
    const set = await stack.query(SET, { meterId: ' 3 ', meteringPointId: schoolEan });
    expect(set).toEqual({
      data: { setIntellimeterMeteringPoint: { provider: 'INTELLIMETER', meterId: '3', meteringPointId: schoolEan, source: 'SET' } },
      errors: [],
    });
    // null says "none", overriding the file's entry.
    expect((await stack.query(SET, { meterId: '4', meteringPointId: null })).errors).toEqual([]);
    const after = await joins();
    expect(after).toMatchObject({
      byPoint: { '1': officeEan, '2': null, '3': schoolEan, '4': null },
      office: ['1'],
      school: ['3'],
      home: [],
    });
    expect(after.mappings).toContainEqual({ provider: 'INTELLIMETER', meterId: '4', meteringPointId: null, source: 'SET' });
  });

  it('refuses a malformed id with BAD_USER_INPUT, calling no one and storing nothing', async () => {
    const before = intellimeter.stats().total;
    for (const [variables, field] of [
      [{ meterId: '1', meteringPointId: 'not an id!' }, 'meteringPointId'],
      [{ meterId: '1', meteringPointId: '8'.repeat(65) }, 'meteringPointId'],
      [{ meterId: '   ', meteringPointId: homeEan }, 'meterId'],
    ] as const) {
      const { data, errors } = await stack.query(SET, variables);
      expect(data.setIntellimeterMeteringPoint).toBeNull();
      expect(errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: 'INTELLIMETER', field });
    }
    expect(intellimeter.stats().total).toBe(before);
    expect((await joins()).byPoint['1']).toBe(officeEan);
  });

  it('refuses a point Intellimeter has not with NOT_FOUND after one /point call, storing nothing', async () => {
    const before = intellimeter.callCount('GET', '/point');
    const { data, errors } = await stack.query(SET, { meterId: '99', meteringPointId: homeEan });
    expect(data.setIntellimeterMeteringPoint).toBeNull();
    expect(errors[0]!.extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'INTELLIMETER', field: 'meterId' });
    expect(intellimeter.callCount('GET', '/point')).toBe(before + 1);
    expect((await joins()).mappings.map(({ meterId }: { meterId: string }) => meterId)).not.toContain('99');
  });

  it('keeps what was set over a restart of the subgraph (the durable store)', async () => {
    expect((await stack.query(SET, { meterId: '2', meteringPointId: homeEan })).errors).toEqual([]);
    await stack.restartSubgraph('intellimeter');
    expect(await joins()).toMatchObject({ byPoint: { '1': officeEan, '2': homeEan, '3': schoolEan, '4': null }, home: ['2'] });
  });
});

/** Requests a simulator served since `before` (its stats), by `METHOD /route`; only routes that were called. */
function callsSince(simulator: RunningSimulator, before: Map<string, number>): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const { method, path, count } of simulator.stats().requests) {
    const added = count - (before.get(`${method} ${path}`) ?? 0);
    if (added > 0) calls[`${method} ${path}`] = added;
  }
  return calls;
}
const countsOf = (simulator: RunningSimulator) => new Map(simulator.stats().requests.map((r) => [`${r.method} ${r.path}`, r.count]));

/** Upstream calls of Openvolt and EnerKey while `run` runs. */
async function counted<T>(
  run: () => Promise<T>,
): Promise<{ result: T; openvolt: Record<string, number>; enerkey: Record<string, number> }> {
  const before = { openvolt: countsOf(openvolt), enerkey: countsOf(enerkey) };
  const result = await run();
  return { result, openvolt: callsSince(openvolt, before.openvolt), enerkey: callsSince(enerkey, before.enerkey) };
}

const SET_OPENVOLT = SET.replace('setIntellimeterMeteringPoint', 'setOpenvoltMeteringPoint');
const SET_ENERKEY = SET_OPENVOLT.replace('setOpenvoltMeteringPoint', 'setEnerkeyMeteringPoint');

/** What the school's and the test MPAN's metering points hold at Openvolt and EnerKey (ids sorted). */
const JOINS = /* GraphQL */ `
  {
    school: meteringPoint(id: "${schoolEan}") {
      openvoltMeters {
        id
        meterPointId
      }
      enerkeyMeters {
        id
        meterPointId
      }
    }
    mpan: meteringPoint(id: "${testMpan}") {
      enerkeyMeters {
        id
        meterPointId
      }
    }
  }
`;
type Joined = Array<{ id: string; meterPointId: string | null }>;
async function joinsAtProviders() {
  const { data, errors } = await stack.query<{
    school: { openvoltMeters: Joined; enerkeyMeters: Joined };
    mpan: { enerkeyMeters: Joined };
  }>(JOINS);
  expect(errors).toEqual([]);
  const ids = (meters: Joined) => meters.map(({ id }) => id).sort();
  // Every meter a metering point lists says it measures that point.
  for (const meter of [...data.school.openvoltMeters, ...data.school.enerkeyMeters]) expect(meter.meterPointId).toBe(schoolEan);
  for (const meter of data.mpan.enerkeyMeters) expect(meter.meterPointId).toBe(testMpan);
  return {
    schoolOpenvolt: ids(data.school.openvoltMeters),
    schoolEnerkey: ids(data.school.enerkeyMeters),
    mpanEnerkey: ids(data.mpan.enerkeyMeters),
  };
}

/** The seed's SolarEdge meter (its number is an inverter site) and the school's Kenter meter. */
async function openvoltSchoolMeters() {
  const { data, errors } = await stack.query<{
    solar: { nodes: Array<{ id: string; meterPointId: string | null; meteringPoint: { id: string } | null }> };
    kenter: { nodes: Array<{ id: string }> };
  }>(`{
    solar: openvoltMeters(dataSource: SOLAREDGE) { nodes { id meterPointId meteringPoint { id } } }
    kenter: openvoltMeters(dataSource: KENTER) { nodes { id } }
  }`);
  expect(errors).toEqual([]);
  return { solar: data.solar.nodes[0]!, kenterId: data.kenter.nodes[0]!.id };
}

describe('the metering-point mapping (Openvolt’s and EnerKey’s meters without a metering point)', () => {
  it('fills only the gaps: the file’s entry joins an EnerKey meter; a SolarEdge meter is unmapped', async () => {
    const { solar, kenterId } = await openvoltSchoolMeters();
    expect(solar).toEqual({ id: solar.id, meterPointId: null, meteringPoint: null });
    const { result, openvolt: openvoltCalls, enerkey: enerkeyCalls } = await counted(joinsAtProviders);
    expect(result).toEqual({ schoolOpenvolt: [kenterId], schoolEnerkey: ['20011'], mpanEnerkey: ['20021', '20022'] });
    // Openvolt: two points and a mapped meter (x, which it has not) from the account's one page.
    expect(openvoltCalls).toEqual({ 'GET /v1/meters': 1 });
    // EnerKey: the meters of both points in one call, the mapped meters of both in one more.
    expect(enerkeyCalls).toEqual({ 'GET /api/v1/meters': 2 });
  });

  it('is set through set…MeteringPoint after one call confirms the meter, and joins both ways', async () => {
    const { solar, kenterId } = await openvoltSchoolMeters();
    const set = await counted(() => stack.query(SET_OPENVOLT, { meterId: solar.id, meteringPointId: schoolEan }));
    expect(set.result).toEqual({
      data: { setOpenvoltMeteringPoint: { provider: 'OPENVOLT', meterId: solar.id, meteringPointId: schoolEan, source: 'SET' } },
      errors: [],
    });
    expect(set.openvolt).toEqual({ 'GET /v1/meters/:_id': 1 });
    for (const [meterId, meteringPointId] of [
      ['20012', schoolEan],
      // null says "none", overriding the file's entry.
      ['20022', null],
      // A meter EnerKey records a metering point for keeps it: the mapping only fills gaps.
      ['20011', homeEan],
    ] as const) {
      const { result, enerkey: calls } = await counted(() => stack.query(SET_ENERKEY, { meterId, meteringPointId }));
      expect(result.errors).toEqual([]);
      expect(calls).toEqual({ 'GET /api/v1/meters': 1 });
    }
    const joined = await counted(joinsAtProviders);
    expect(joined.result).toEqual({
      schoolOpenvolt: [kenterId, solar.id].sort(),
      schoolEnerkey: ['20011', '20012'],
      mpanEnerkey: ['20021'],
    });
    expect(joined.openvolt).toEqual({ 'GET /v1/meters': 1 });
    expect(joined.enerkey).toEqual({ 'GET /api/v1/meters': 2 });
    expect((await openvoltSchoolMeters()).solar).toEqual({ id: solar.id, meterPointId: schoolEan, meteringPoint: { id: schoolEan } });
    const { data } = await stack.query(
      `{ enerkeyMeter(id: "20011") { meterPointId } home: meteringPoint(id: "${homeEan}") { enerkeyMeters { id } } }`,
    );
    expect(data).toEqual({ enerkeyMeter: { meterPointId: schoolEan }, home: { enerkeyMeters: [] } });
  });

  it('refuses a meter the provider has not with NOT_FOUND after one call, and a malformed id before any, storing nothing', async () => {
    const listed = `{ openvoltMeteringPointMappings { meterId meteringPointId source } enerkeyMeteringPointMappings { meterId meteringPointId source } }`;
    const before = (await stack.query(listed)).data;
    expect(before.openvoltMeteringPointMappings).toContainEqual({ meterId: 'x', meteringPointId: schoolEan, source: 'CONFIGURED' });
    for (const [document, meterId, provider, calls] of [
      [SET_OPENVOLT, '0123456789abcdef01234567', 'OPENVOLT', { openvolt: { 'GET /v1/meters/:_id': 1 }, enerkey: {} }],
      [SET_ENERKEY, '99999', 'ENERKEY', { openvolt: {}, enerkey: { 'GET /api/v1/meters': 1 } }],
    ] as const) {
      const { result, ...upstream } = await counted(() => stack.query(document, { meterId, meteringPointId: homeEan }));
      expect(Object.values(result.data)).toEqual([null]);
      expect(result.errors[0]!.message).toMatch(new RegExp(`meter has id ${meterId}; its metering point was not set`));
      expect(result.errors[0]!.extensions).toMatchObject({ code: 'NOT_FOUND', provider, field: 'meterId' });
      expect(upstream).toEqual(calls);
    }
    for (const [document, meterId] of [
      [SET_OPENVOLT, 'solar-1'],
      [SET_ENERKEY, 'E-20012'],
    ] as const) {
      const { result, ...upstream } = await counted(() => stack.query(document, { meterId, meteringPointId: homeEan }));
      expect(result.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(upstream).toEqual({ openvolt: {}, enerkey: {} });
    }
    expect((await stack.query(listed)).data).toEqual(before);
  });

  it('keeps what was set over a restart of the subgraphs (the durable store)', async () => {
    await stack.restartSubgraph('openvolt');
    await stack.restartSubgraph('enerkey');
    const { solar, kenterId } = await openvoltSchoolMeters();
    expect(solar.meterPointId).toBe(schoolEan);
    expect(await joinsAtProviders()).toEqual({
      schoolOpenvolt: [kenterId, solar.id].sort(),
      schoolEnerkey: ['20011', '20012'],
      mpanEnerkey: ['20021'],
    });
  });
});
