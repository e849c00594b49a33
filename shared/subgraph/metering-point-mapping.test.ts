import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GridgraphError, NotFoundError, UpstreamUnavailableError } from '../graph/errors.js';
import { MemoryStore, type Store } from '../store/index.js';
import { ConfigError } from './config.js';
import { MeteringPointMapping, readMeteringPointMappingFile } from './metering-point-mapping.js';

/** The kit's metering-point mapping: layers, the per-request view, replicas, and the mapping file. */

const EAN = '871687120000000011';
const OTHER_EAN = '871687120000000028';

describe('a provider’s mapping', () => {
  it('lays what was set over what was configured; null is "none", not "ask the file"', async () => {
    const mapping = new MeteringPointMapping(
      new MemoryStore(),
      'INTELLIMETER',
      new Map([
        ['1', EAN],
        ['2', OTHER_EAN],
      ]),
    );
    await mapping.set('2', null);
    await mapping.set('3', EAN);
    expect(await mapping.entries()).toEqual([
      { meterId: '1', meteringPointId: EAN, source: 'CONFIGURED' },
      { meterId: '2', meteringPointId: null, source: 'SET' },
      { meterId: '3', meteringPointId: EAN, source: 'SET' },
    ]);
    const lookup = mapping.forRequest(async () => undefined);
    expect(await lookup.metersAt(EAN)).toEqual(['1', '3']);
    expect(await lookup.metersAt(OTHER_EAN)).toEqual([]);
    expect(await lookup.meteringPointOf('2', null)).toBeNull();
    // The provider's own id always wins: the mapping only fills gaps.
    expect(await lookup.meteringPointOf('1', OTHER_EAN)).toBe(OTHER_EAN);
  });

  it('reads the store once per request, and again after a set', async () => {
    const store = new MemoryStore();
    let reads = 0;
    const counting = new Proxy(store, {
      get: (target, name) => (name === 'get' ? (key: string) => (reads++, target.get(key)) : Reflect.get(target, name, target)),
    }) as Store;
    const lookup = new MeteringPointMapping(counting, 'OPENVOLT', new Map()).forRequest(async () => undefined);
    await Promise.all([lookup.meteringPointOf('a', null), lookup.metersAt(EAN), lookup.meteringPointOf('b', null)]);
    expect(reads).toBe(1);
    await lookup.set('a', EAN);
    expect(await lookup.meteringPointOf('a', null)).toBe(EAN);
  });

  it('sets an entry only for a meter the provider has: NOT_FOUND (or the provider’s failure) stores nothing', async () => {
    const mapping = new MeteringPointMapping(new MemoryStore(), 'ENERKEY', new Map([['20001', EAN]]));
    const asked: string[] = [];
    const lookup = mapping.forRequest(async (meterId) => {
      asked.push(meterId);
      if (meterId === 'down') throw new UpstreamUnavailableError('EnerKey is not answering.', { provider: 'ENERKEY' });
      if (meterId !== '20002') throw new NotFoundError(`No meter ${meterId}.`, { provider: 'ENERKEY' });
    });
    const missing = await lookup.set(' 404 ', OTHER_EAN).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).message).toBe('No EnerKey meter has id 404; its metering point was not set.');
    expect((missing as NotFoundError).extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'ENERKEY', field: 'meterId' });
    await expect(lookup.set('down', OTHER_EAN)).rejects.toBeInstanceOf(UpstreamUnavailableError);
    // Malformed ids are refused before the provider is asked.
    await expect(lookup.set('20002', 'not an id')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(asked).toEqual(['404', 'down']);
    expect(await mapping.entries()).toEqual([{ meterId: '20001', meteringPointId: EAN, source: 'CONFIGURED' }]);
    expect(await lookup.set('20002', OTHER_EAN)).toEqual({ meterId: '20002', meteringPointId: OTHER_EAN, source: 'SET' });
    expect(await lookup.meteringPointOf('20002', null)).toBe(OTHER_EAN);
  });

  it('keeps every replica’s entries when they set different meters at once', async () => {
    const store = new MemoryStore();
    const replicas = [0, 1, 2, 3].map(() => new MeteringPointMapping(store, 'ENERKEY', new Map()));
    await Promise.all(replicas.map((replica, index) => replica.set(`meter-${index}`, EAN)));
    expect((await replicas[0]!.entries()).map((entry) => entry.meterId)).toEqual(['meter-0', 'meter-1', 'meter-2', 'meter-3']);
  });

  it('refuses malformed ids with BAD_USER_INPUT naming the provider and the field, storing nothing', async () => {
    const mapping = new MeteringPointMapping(new MemoryStore(), 'INTELLIMETER', new Map());
    for (const [meterId, point, field] of [
      ['', EAN, 'meterId'],
      ['x'.repeat(201), EAN, 'meterId'],
      ['1', '', 'meteringPointId'],
      ['1', 'EAN 8716', 'meteringPointId'],
      ['1', '9'.repeat(65), 'meteringPointId'],
    ] as const) {
      const error = await mapping.set(meterId, point).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GridgraphError);
      expect((error as GridgraphError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: 'INTELLIMETER', field });
    }
    expect(await mapping.entries()).toEqual([]);
  });
});

describe('METERING_POINT_MAPPING_FILE', () => {
  const folder = mkdtempSync(join(tmpdir(), 'gridgraph-mapping-file-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const path = join(folder, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads JSON and CSV alike, by provider; a blank or null id is "none"', () => {
    const json = write(
      'map.json',
      JSON.stringify([
        { provider: 'INTELLIMETER', meterId: 1, meteringPointId: EAN },
        { provider: 'openvolt', meterId: 'abc', meteringPointId: null },
      ]),
    );
    const csv = write('map.csv', `provider,meterId,meteringPointId\nINTELLIMETER, 1 ,${EAN}\nopenvolt,abc,\n`);
    for (const path of [json, csv]) {
      expect(readMeteringPointMappingFile(path)).toEqual(
        new Map([
          ['INTELLIMETER', new Map<string, string | null>([['1', EAN]])],
          ['OPENVOLT', new Map<string, string | null>([['abc', null]])],
        ]),
      );
    }
  });

  it('refuses an unreadable file or a bad row with a ConfigError naming the row', () => {
    expect(() => readMeteringPointMappingFile(join(folder, 'missing.csv'))).toThrow(ConfigError);
    expect(() => readMeteringPointMappingFile(write('object.json', '{}'))).toThrow(/a list of rows/);
    expect(() => readMeteringPointMappingFile(write('provider.csv', `provider,meterId,meteringPointId\nACME,1,${EAN}\n`))).toThrow(
      /row 1: provider must be one of OPENVOLT/,
    );
    expect(() =>
      readMeteringPointMappingFile(write('id.csv', `provider,meterId,meteringPointId\nVOLUE,1,${EAN}\nVOLUE,2,not an id\n`)),
    ).toThrow(/row 2: meteringPointId must be/);
  });
});
