import { gql } from 'graphql-request';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IntellimeterClient } from '../subgraphs/intellimeter/client.js';
import type { IntellimeterSimulator } from '../subgraphs/intellimeter/simulator/index.js';
import { SHARED_METERING_POINTS } from '../shared/simulator/index.js';
import { seedPoints } from '../subgraphs/intellimeter/simulator/seed.js';
import { OPEN_WITH_ADMIN, startStack, type TestStack } from './support/stack.js';

/** The Intellimeter subgraph as a user sees it: through the gateway, against the simulator. */

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack(OPEN_WITH_ADMIN);
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(async () => {
  simulator().reset();
  // The reset ended the subgraph's session: log in again now, so that the counts below hold only each test's own calls.
  expect((await query('{ intellimeterAccount { id } }')).errors).toEqual([]);
});

function simulator(): IntellimeterSimulator {
  return stack.simulator<IntellimeterSimulator>('intellimeter');
}

function calls(method: string, route: string): number {
  return simulator().callCount(method, route);
}

function query<T = Record<string, any>>(document: string, variables?: Record<string, unknown>) {
  return stack.query<T>(document, variables);
}

/** A connector of our own against the same simulator, to compare the graph with what the API says. */
function directClient(): IntellimeterClient {
  return new IntellimeterClient({
    baseUrl: simulator().url,
    apiKey: simulator().currentKey(),
    timeZone: 'America/Toronto',
    responseType: 'json',
    fileType: 'json',
    calls: { timeoutMs: 5000, concurrency: 4, retries: 0 },
  });
}

const DAY = { from: '2026-11-02T00:00:00Z', to: '2026-11-03T00:00:00Z', resolution: 'HOUR', timeZone: 'UTC' };
const RESET_DAY = { from: '2026-11-03T00:00:00Z', to: '2026-11-04T00:00:00Z', resolution: 'DAY', timeZone: 'UTC' };

describe('account and users', () => {
  it('shows the logged-in account and the users of its project', async () => {
    const { data, errors } = await query(gql`
      {
        intellimeterAccount {
          id
          username
          email
          projectId
          projectName
          joined
        }
        intellimeterUsers(first: 1) {
          totalCount
          nodes {
            id
            username
            joined
          }
          pageInfo {
            hasNextPage
          }
        }
      }
    `);
    expect(errors).toEqual([]);
    const account = await directClient().account();
    expect(data.intellimeterAccount).toEqual({
      id: String(account.uuid),
      username: account.username,
      email: account.email,
      projectId: account.project,
      projectName: account.projectName,
      joined: account.joined.toISOString(),
    });
    // "2025-10-29 16:07:17" on the site's clock (America/Toronto, EDT).
    expect(data.intellimeterAccount.joined).toBe('2025-10-29T20:07:17.000Z');
    expect(data.intellimeterUsers).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    expect(data.intellimeterUsers.nodes).toEqual([{ id: '1', username: 'gridgraph', joined: '2025-10-29T20:07:17.000Z' }]);
  });

  it('creates a user, and refuses a taken username with a clear message', async () => {
    const CREATE = gql`
      mutation Create($input: CreateIntellimeterUserInput!) {
        createIntellimeterUser(input: $input) {
          id
          username
          email
        }
      }
    `;
    const input = { username: 'operator', password: 'pw-operator', email: 'operator@site.example' };
    const created = await query(CREATE, { input });
    expect(created.errors).toEqual([]);
    expect(created.data.createIntellimeterUser).toEqual({ id: '3', username: 'operator', email: 'operator@site.example' });
    expect((await directClient().users()).map((user) => user.username)).toContain('operator');

    const taken = await query(CREATE, { input: { ...input, username: 'facilities' } });
    expect(taken.errors[0]).toMatchObject({
      message: expect.stringContaining('username "facilities" is taken'),
      extensions: { code: 'UPSTREAM_REJECTED', upstreamStatus: 409, provider: 'INTELLIMETER' },
    });
    const bad = await query(CREATE, { input: { ...input, username: 'x2', email: 'not-an-email' } });
    expect(bad.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(calls('PUT', '/user')).toBe(2);
  });

  it('updates the account, and refuses a taken username', async () => {
    const UPDATE = gql`
      mutation Update($input: UpdateIntellimeterAccountInput!) {
        updateIntellimeterAccount(input: $input) {
          username
          email
        }
      }
    `;
    const updated = await query(UPDATE, { input: { email: 'energy@gridgraph.example' } });
    expect(updated.errors).toEqual([]);
    expect(updated.data.updateIntellimeterAccount).toEqual({ username: 'gridgraph', email: 'energy@gridgraph.example' });
    expect((await directClient().account()).email).toBe('energy@gridgraph.example');
    const taken = await query(UPDATE, { input: { username: 'facilities' } });
    expect(taken.errors[0]?.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', upstreamStatus: 409, field: 'username' });
  });

  it('draws a chart of all points as a PNG data: URL a client can show', async () => {
    const { data, errors } = await query(
      gql`
        query Chart($type: IntellimeterChartType!) {
          intellimeterAccount {
            chart(type: $type, width: 640, height: 360) {
              mimeType
              dataUrl
              width
              height
              byteLength
            }
          }
        }
      `,
      { type: 'BAR' },
    );
    expect(errors).toEqual([]);
    const chart = data.intellimeterAccount.chart;
    expect(chart).toMatchObject({ mimeType: 'image/png', width: 640, height: 360 });
    const png = Buffer.from(chart.dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([640, 360]);
    expect(png.length).toBe(chart.byteLength);
  });
});

describe('metering points', () => {
  const POINTS = gql`
    {
      intellimeterPoints {
        totalCount
        nodes {
          id
          name
          provider
          meterPointId
          modbus {
            modbusId
            port
            phases
            meterType
            modbusMap
            startAddress
            saveEveryMinutes
          }
          meteringPoint {
            id
          }
        }
      }
    }
  `;

  it('lists every point with its Modbus details and metering point', async () => {
    const { data, errors } = await query(POINTS);
    expect(errors).toEqual([]);
    expect(data.intellimeterPoints.totalCount).toBe(4);
    const [first, second, third] = data.intellimeterPoints.nodes;
    const direct = await directClient().point({ id: 1 });
    expect(first).toEqual({
      id: '1',
      name: direct.name,
      provider: 'INTELLIMETER',
      meterPointId: SHARED_METERING_POINTS.officeEan,
      modbus: {
        modbusId: direct.modbusId,
        port: direct.port,
        phases: direct.phases,
        meterType: direct.meterType,
        modbusMap: direct.modbusMap,
        startAddress: direct.startAddress,
        saveEveryMinutes: direct.saveEveryMinutes,
      },
      meteringPoint: { id: SHARED_METERING_POINTS.officeEan },
    });
    expect(second.meteringPoint).toEqual({ id: SHARED_METERING_POINTS.schoolEan });
    expect(third.meteringPoint).toBeNull();
  });

  it('finds one point by id or by name, the id winning when both are given', async () => {
    const ONE = gql`
      query One($id: ID, $name: String) {
        intellimeterPoint(id: $id, name: $name) {
          id
          name
        }
      }
    `;
    expect((await query(ONE, { name: 'chiller' })).data.intellimeterPoint).toEqual({ id: '3', name: 'chiller' });
    expect((await query(ONE, { id: '2' })).data.intellimeterPoint).toEqual({ id: '2', name: 'meter2' });
    expect((await query(ONE, { id: '1', name: 'chiller' })).data.intellimeterPoint).toEqual({ id: '1', name: 'meter1' });

    const unknown = await query(ONE, { name: 'boiler' });
    expect(unknown.errors[0]).toMatchObject({
      message: 'No Intellimeter point has name "boiler".',
      extensions: { code: 'NOT_FOUND', provider: 'INTELLIMETER' },
    });
    expect((await query(ONE, { id: '99' })).errors[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await query(ONE, { id: 'abc' })).errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect((await query(ONE, {})).errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('renames a point, and refuses a name another point has', async () => {
    const RENAME = gql`
      mutation Rename($id: ID, $name: String, $newName: String!) {
        renameIntellimeterPoint(id: $id, name: $name, newName: $newName) {
          id
          name
        }
      }
    `;
    const renamed = await query(RENAME, { name: 'chiller', newName: 'chiller-north' });
    expect(renamed.errors).toEqual([]);
    expect(renamed.data.renameIntellimeterPoint).toEqual({ id: '3', name: 'chiller-north' });
    expect((await directClient().point({ id: 3 })).name).toBe('chiller-north');

    const taken = await query(RENAME, { id: '3', newName: 'meter1' });
    expect(taken.errors[0]).toMatchObject({
      message: 'Another Intellimeter point is already named "meter1"; choose a name no point uses.',
      extensions: { code: 'UPSTREAM_REJECTED', upstreamStatus: 409, field: 'newName' },
    });
    expect((await query(RENAME, { id: '42', newName: 'x' })).errors[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await query(RENAME, { id: '3', newName: '  ' })).errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(calls('POST', '/point')).toBe(3);
  });

  it('joins points to metering points by EAN', async () => {
    const { data, errors } = await query(
      gql`
        query Join($office: ID!, $school: ID!) {
          office: meteringPoint(id: $office) {
            intellimeterPoints {
              name
            }
          }
          school: meteringPoint(id: $school) {
            intellimeterPoints {
              name
            }
          }
          nowhere: meteringPoint(id: "000000000000000000") {
            intellimeterPoints {
              name
            }
          }
        }
      `,
      { office: SHARED_METERING_POINTS.officeEan, school: SHARED_METERING_POINTS.schoolEan },
    );
    expect(errors).toEqual([]);
    expect(data).toEqual({
      office: { intellimeterPoints: [{ name: 'meter1' }] },
      school: { intellimeterPoints: [{ name: 'meter2' }] },
      nowhere: { intellimeterPoints: [] },
    });
  });
});

describe('readings', () => {
  it('gives every point’s latest register and interval with one /data and one /interval call', async () => {
    const { data, errors } = await query(gql`
      {
        intellimeterPoints {
          nodes {
            name
            latestReading {
              at
              valueKwh
            }
            latestInterval {
              start
              end
              valueKwh
            }
          }
        }
      }
    `);
    expect(errors).toEqual([]);
    const registers = await directClient().latestRegisters();
    const intervals = await directClient().latestIntervals();
    const nodes = data.intellimeterPoints.nodes as Array<Record<string, any>>;
    expect(nodes).toHaveLength(4);
    for (const node of nodes) {
      const register = registers.find((reading) => reading.meter === node.name)!;
      const interval = intervals.find((reading) => reading.meter === node.name)!;
      expect(node.latestReading).toEqual({ at: register.at.toISOString(), valueKwh: register.value });
      expect(node.latestInterval).toEqual({
        start: new Date(interval.at.getTime() - 5 * 60_000).toISOString(),
        end: interval.at.toISOString(),
        valueKwh: interval.value,
      });
    }
    // The graph's calls, then the direct client's one each.
    expect(calls('GET', '/data')).toBe(2);
    expect(calls('GET', '/interval')).toBe(2);
  });

  it('turns cumulative registers into consumption, by hour, from one /file call for all points', async () => {
    const { data, errors } = await query(
      gql`
        query Consumption($range: ReadingRange!) {
          intellimeterPoints {
            nodes {
              name
              consumption(range: $range) {
                resolution
                nativeResolution
                total
                count
                missing
                readings {
                  start
                  end
                  value
                  quality
                }
              }
            }
          }
        }
      `,
      { range: DAY },
    );
    expect(errors).toEqual([]);
    expect(calls('GET', '/file')).toBe(1);
    const history = await directClient().history('2026-11-01', '2026-11-03');
    for (const node of data.intellimeterPoints.nodes as Array<Record<string, any>>) {
      const series = node.consumption;
      expect(series).toMatchObject({ resolution: 'HOUR', nativeResolution: 'FIVE_MINUTES', count: 24, missing: 0 });
      const register = (iso: string) => history.find((row) => row.meter === node.name && row.at.toISOString() === iso)!.value;
      // Each hour is the register's growth over it; the day is its growth over the day.
      const noon = series.readings[12];
      expect(noon.value).toBeCloseTo(register('2026-11-02T13:00:00.000Z') - register('2026-11-02T12:00:00.000Z'), 6);
      expect(series.total).toBeCloseTo(register('2026-11-03T00:00:00.000Z') - register('2026-11-02T00:00:00.000Z'), 6);
      expect(series.readings.every((reading: { quality: string }) => reading.quality === 'MEASURED')).toBe(true);
    }
  });

  it('flags a register reset instead of reporting negative consumption', async () => {
    const { data, errors } = await query(
      gql`
        query Reset($range: ReadingRange!) {
          intellimeterPoint(name: "meter2") {
            consumption(range: $range) {
              total
              readings {
                start
                value
                quality
              }
            }
            registerResets(range: $range) {
              start
              end
              beforeKwh
              afterKwh
            }
          }
        }
      `,
      { range: { ...RESET_DAY, resolution: 'HOUR' } },
    );
    expect(errors).toEqual([]);
    const point = data.intellimeterPoint;
    expect(point.registerResets).toHaveLength(1);
    const reset = point.registerResets[0];
    expect(reset.afterKwh).toBeLessThan(reset.beforeKwh);
    const hourOfReset = point.consumption.readings.find((reading: { start: string }) => reading.start === '2026-11-03T16:00:00.000Z');
    expect(hourOfReset.quality).toBe('ESTIMATED');
    expect(point.consumption.readings.every((reading: { value: number }) => reading.value >= 0)).toBe(true);
    expect(point.consumption.readings.filter((reading: { quality: string }) => reading.quality === 'ESTIMATED')).toHaveLength(1);
    // One history file served both fields.
    expect(calls('GET', '/file')).toBe(1);
  });

  it('reads both passes through the repeated hour of a fall-back day: no gap, no estimate, no reset', async () => {
    // America/Toronto, 2026-11-01: 01:00–02:00 happens twice (EDT, then EST), so the day has 25 hours.
    const FALL_BACK = { from: '2026-11-01T00:00:00-04:00', to: '2026-11-02T00:00:00-05:00', timeZone: 'America/Toronto' };
    const { data, errors } = await query(
      gql`
        query FallBack($fine: ReadingRange!, $day: ReadingRange!, $points: Int!) {
          intellimeterPoints(first: $points) {
            nodes {
              name
              fine: consumption(range: $fine) {
                count
                missing
                total
                readings {
                  quality
                  value
                }
              }
              day: consumption(range: $day) {
                total
                readings {
                  quality
                }
              }
              registerResets(range: $fine) {
                start
              }
            }
          }
        }
      `,
      // Every seeded point, asked for by number: the readings cap counts a list without `first` as 20.
      { fine: { ...FALL_BACK, resolution: 'FIVE_MINUTES' }, day: { ...FALL_BACK, resolution: 'DAY' }, points: seedPoints().length },
    );
    expect(errors).toEqual([]);
    for (const node of data.intellimeterPoints.nodes as Array<Record<string, any>>) {
      expect(node.fine, node.name).toMatchObject({ count: 25 * 12, missing: 0 });
      expect(node.fine.readings.every((reading: { quality: string }) => reading.quality === 'MEASURED')).toBe(true);
      // A building of this site uses at most a few kWh in five minutes.
      expect(Math.max(...node.fine.readings.map((reading: { value: number }) => reading.value))).toBeLessThan(10);
      expect(node.registerResets).toEqual([]);
      expect(node.day.readings).toEqual([{ quality: 'MEASURED' }]);
      expect(node.day.total).toBeCloseTo(node.fine.total, 6);
    }
  });

  it('refuses bad ranges with BAD_USER_INPUT before calling Intellimeter', async () => {
    const CONSUMPTION = gql`
      query Bad($range: ReadingRange!) {
        intellimeterPoint(id: "1") {
          consumption(range: $range) {
            total
          }
        }
      }
    `;
    const badDate = await query(CONSUMPTION, { range: { ...DAY, from: '2026-13-45' } });
    expect(badDate.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const backwards = await query(CONSUMPTION, { range: { ...DAY, from: DAY.to, to: DAY.from } });
    expect(backwards.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'range.to' } });
    const tooLong = await query(CONSUMPTION, { range: { ...DAY, from: '2026-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' } });
    expect(tooLong.errors[0]?.message).toMatch(/at most 90 days/);
    expect(calls('GET', '/file')).toBe(0);
  });

  it('draws one point’s chart, and refuses a width of zero without calling Intellimeter', async () => {
    const CHART = gql`
      query Chart($width: Int!) {
        intellimeterPoint(name: "meter1") {
          chart(width: $width, height: 300) {
            mimeType
            width
            height
          }
        }
      }
    `;
    expect((await query(CHART, { width: 500 })).data.intellimeterPoint.chart).toEqual({ mimeType: 'image/png', width: 500, height: 300 });
    const zero = await query(CHART, { width: 0 });
    expect(zero.errors[0]).toMatchObject({
      message: 'width must be a whole number of pixels from 16 to 4096, got 0.',
      extensions: { code: 'BAD_USER_INPUT', field: 'width' },
    });
    expect(calls('GET', '/graphics')).toBe(1);
  });
});

describe('the session', () => {
  it('logs in again once when the session expired, and the query still answers', async () => {
    const ACCOUNT = gql`
      {
        intellimeterAccount {
          username
        }
      }
    `;
    expect((await query(ACCOUNT)).data.intellimeterAccount.username).toBe('gridgraph');
    expect(calls('PUT', '/session')).toBe(1);
    expect((await query(ACCOUNT)).errors).toEqual([]);
    expect(calls('PUT', '/session')).toBe(1);

    simulator().expireSessions();
    const again = await query(ACCOUNT);
    expect(again.errors).toEqual([]);
    expect(again.data.intellimeterAccount.username).toBe('gridgraph');
    expect(calls('PUT', '/session')).toBe(2);
  });

  it('deletes the account only with the right confirmation', async () => {
    const DELETE = gql`
      mutation Delete($confirm: String!) {
        deleteIntellimeterAccount(confirmUsername: $confirm) {
          id
          provider
          deleted
        }
      }
    `;
    const wrong = await query(DELETE, { confirm: 'facilities' });
    expect(wrong.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'confirmUsername' } });
    expect(calls('DELETE', '/user')).toBe(0);

    const deleted = await query(DELETE, { confirm: 'gridgraph' });
    expect(deleted.errors).toEqual([]);
    expect(deleted.data.deleteIntellimeterAccount).toEqual({ id: '1', provider: 'INTELLIMETER', deleted: true });
    expect(calls('DELETE', '/user')).toBe(1);
    // The account is gone: the key no longer logs in, and the graph says so.
    const after = await query(gql`
      {
        intellimeterAccount {
          username
        }
      }
    `);
    expect(after.errors[0]?.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', provider: 'INTELLIMETER', upstreamStatus: 401 });
  });
});
