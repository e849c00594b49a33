import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_METERING_POINTS } from '../shared/simulator/index.js';
import {
  INTELLIMETER_SIMULATOR_API_KEY,
  startIntellimeterSimulator,
  type IntellimeterSimulator,
} from '../subgraphs/intellimeter/simulator/index.js';
import { OPEN_WITH_ADMIN, startStack, type TestStack } from './support/stack.js';

/**
 * The metering-point mapping through the gateway, for Intellimeter, whose points record no metering
 * point: against an Intellimeter API the stack did not start (as against the real one), the mapping
 * comes only from METERING_POINT_MAPPING_FILE and setIntellimeterMeteringPoint, it joins both ways, what
 * is set wins over the file and outlives a restart, and bad input is refused before anything is stored.
 */

const { officeEan, schoolEan, homeEan } = SHARED_METERING_POINTS;
let intellimeter: IntellimeterSimulator;
let stack: TestStack;
let folder: string;

beforeAll(async () => {
  intellimeter = await startIntellimeterSimulator({ host: '127.0.0.1', port: 0 });
  folder = mkdtempSync(join(tmpdir(), 'gridgraph-mapping-'));
  const file = join(folder, 'metering-points.csv');
  // Another provider's rows are that provider's business; a blank id says "none".
  writeFileSync(
    file,
    `provider,meterId,meteringPointId\nINTELLIMETER,4,${homeEan}\nintellimeter,1,${officeEan}\nOPENVOLT,x,${schoolEan}\nINTELLIMETER,2,\n`,
  );
  stack = await startStack({
    ...OPEN_WITH_ADMIN,
    INTELLIMETER_API_URL: intellimeter.url,
    INTELLIMETER_API_KEY: INTELLIMETER_SIMULATOR_API_KEY,
    METERING_POINT_MAPPING_FILE: file,
  });
});
afterAll(async () => {
  await stack?.stop();
  await intellimeter?.stop();
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

  it('keeps what was set over a restart of the subgraph (the durable store)', async () => {
    expect((await stack.query(SET, { meterId: '2', meteringPointId: homeEan })).errors).toEqual([]);
    await stack.restartSubgraph('intellimeter');
    expect(await joins()).toMatchObject({ byPoint: { '1': officeEan, '2': homeEan, '3': schoolEan, '4': null }, home: ['2'] });
  });
});
