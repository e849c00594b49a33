import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { credentialFingerprint } from '../shared/connector/upstream-auth.js';
import {
  INTELLIMETER_SIMULATOR_PASSWORD,
  INTELLIMETER_SIMULATOR_USERNAME,
  startIntellimeterSimulator,
  type IntellimeterSimulator,
} from '../subgraphs/intellimeter/simulator/index.js';
import { OPEN_WITH_ADMIN, startStack, type TestStack } from './support/stack.js';

/**
 * Intellimeter's session, key and history file through the gateway, with the subgraph logging in by
 * username and password (INTELLIMETER_LOGIN=password, the seed's first method) against a simulator of
 * its own: the key is told only by its fingerprint, a logout is followed by a fresh login, and the raw
 * /file export arrives unchanged, with bad days refused before any call.
 */

const NOW = new Date('2026-11-10T15:02:00Z');
let intellimeter: IntellimeterSimulator;
let stack: TestStack;

beforeAll(async () => {
  intellimeter = await startIntellimeterSimulator({ host: '127.0.0.1', port: 0, now: () => NOW });
  stack = await startStack({
    ...OPEN_WITH_ADMIN,
    INTELLIMETER_API_URL: intellimeter.url,
    INTELLIMETER_LOGIN: 'password',
    INTELLIMETER_USERNAME: INTELLIMETER_SIMULATOR_USERNAME,
    INTELLIMETER_PASSWORD: INTELLIMETER_SIMULATOR_PASSWORD,
  });
});
afterAll(async () => {
  await stack?.stop();
  await intellimeter?.stop();
});
beforeEach(async () => {
  intellimeter.reset();
  // The reset ended the subgraph's session: log in again now, so that each test counts only its own calls.
  expect((await stack.query('{ intellimeterAccount { id } }')).errors).toEqual([]);
});

const calls = (method: string, route: string) => intellimeter.callCount(method, route);

describe('logging in by username and password', () => {
  it('answers with the account, one login serving every call', async () => {
    const { data, errors } = await stack.query('{ intellimeterAccount { username } intellimeterUsers { totalCount } }');
    expect(errors).toEqual([]);
    expect(data).toEqual({ intellimeterAccount: { username: INTELLIMETER_SIMULATOR_USERNAME }, intellimeterUsers: { totalCount: 2 } });
    expect(calls('PUT', '/session')).toBe(1);
  });

  it('tells the account’s API key by its fingerprint only, and that this server does not log in with it', async () => {
    const response = await stack.query('{ intellimeterApiKey { fingerprint inUse checkedAt } }');
    expect(response.errors).toEqual([]);
    expect(response.data.intellimeterApiKey).toMatchObject({ fingerprint: credentialFingerprint(intellimeter.currentKey()), inUse: false });
    expect(response.data.intellimeterApiKey.fingerprint).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(JSON.stringify(response)).not.toContain(intellimeter.currentKey());
    expect(calls('GET', '/key')).toBe(1);
  });
});

describe('logging out', () => {
  it('ends the session at Intellimeter; the next call logs in again', async () => {
    const before = { logins: intellimeter.logins, reads: calls('GET', '/session') };
    const { data, errors } = await stack.query('mutation { logoutIntellimeterSession { loggedOutAt } }');
    expect(errors).toEqual([]);
    expect(Number.isNaN(Date.parse(data.logoutIntellimeterSession.loggedOutAt))).toBe(false);
    expect(calls('DELETE', '/session')).toBe(1);

    expect((await stack.query('{ intellimeterAccount { username } }')).data.intellimeterAccount).toEqual({
      username: INTELLIMETER_SIMULATOR_USERNAME,
    });
    // A fresh login, not a refused call with the ended session first.
    expect(intellimeter.logins).toBe(before.logins + 1);
    expect(calls('GET', '/session')).toBe(before.reads + 1);
  });
});

describe('the raw history file', () => {
  const FILE = /* GraphQL */ `
    query File($from: String!, $to: String!, $type: IntellimeterFileType, $pointName: String) {
      intellimeterHistoryFile(from: $from, to: $to, type: $type, pointName: $pointName) {
        type
        mimeType
        fileName
        firstDay
        lastDay
        pointName
        content
        byteLength
      }
    }
  `;

  it('is Intellimeter’s file unchanged: one point’s registers every five minutes, the days in either order', async () => {
    const { data, errors } = await stack.query(FILE, { from: '2026-11-03', to: '2026-11-02', pointName: 'meter1' });
    expect(errors).toEqual([]);
    const file = data.intellimeterHistoryFile;
    expect(file).toMatchObject({
      type: 'CSV',
      mimeType: 'text/csv',
      fileName: 'history_2026-11-02_2026-11-03.csv',
      firstDay: '2026-11-02',
      lastDay: '2026-11-03',
      pointName: 'meter1',
    });
    expect(file.byteLength).toBe(Buffer.byteLength(file.content));
    const rows = parseCsv(file.content, { columns: true }) as Array<{ MeterParam: string; TimeStamping: string; value: string }>;
    // Two whole site days of 24 hours (Toronto's fall-back was on 1 November).
    expect(rows).toHaveLength(2 * 288);
    expect(rows[0]).toMatchObject({ MeterParam: 'meter1', TimeStamping: '2026-11-02 00:00:00' });
    expect(rows.at(-1)).toMatchObject({ TimeStamping: '2026-11-03 23:55:00' });
    expect(new Set(rows.map((row) => row.MeterParam))).toEqual(new Set(['meter1']));
    expect(calls('GET', '/file')).toBe(1);
  });

  it('holds every point in the asked format when no point is named', async () => {
    const { data, errors } = await stack.query(FILE, { from: '2026-11-09', to: '2026-11-09', type: 'JSON' });
    expect(errors).toEqual([]);
    expect(data.intellimeterHistoryFile).toMatchObject({ type: 'JSON', mimeType: 'application/json', pointName: null });
    const rows = JSON.parse(data.intellimeterHistoryFile.content) as Array<{ MeterParam: string }>;
    expect(new Set(rows.map((row) => row.MeterParam))).toEqual(new Set(['meter1', 'meter2', 'chiller', 'lighting-east']));
  });

  it('refuses a malformed day, a span over 31 days or a blank point name before calling Intellimeter; an unknown point is NOT_FOUND', async () => {
    for (const [variables, field] of [
      [{ from: '2026-11-31', to: '2026-11-02' }, 'from'],
      [{ from: '2026-11-02', to: '3 Nov' }, 'to'],
      [{ from: '2026-10-01', to: '2026-11-01' }, 'to'],
      [{ from: '2026-11-02', to: '2026-11-02', pointName: '  ' }, 'pointName'],
    ] as const) {
      const { data, errors } = await stack.query(FILE, variables);
      expect(data.intellimeterHistoryFile).toBeNull();
      expect(errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: 'INTELLIMETER', field });
    }
    expect(calls('GET', '/file')).toBe(0);
    const unknown = await stack.query(FILE, { from: '2026-11-02', to: '2026-11-02', pointName: 'no-such-meter' });
    expect(unknown.errors[0]!.extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'INTELLIMETER' });
  });
});
