import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GridgraphError } from '../../shared/graph/errors.js';
import type { RunningSimulator } from '../../shared/simulator/index.js';
import { __Name__Client } from './client.js';
import { __NAME___SIMULATOR_API_KEY, start__Name__Simulator } from './simulator/index.js';
import { SEED_METER } from './simulator/seed.js';

/** The __Label__ connector against the simulator: the key, paging, metering points, readings and failures. */

const NOW = new Date('2026-06-15T12:00:00Z');
const { peakKw: _peakKw, ...SEED_RECORD } = SEED_METER;

let simulator: RunningSimulator;

function client(apiKey = __NAME___SIMULATOR_API_KEY): __Name__Client {
  return new __Name__Client({ baseUrl: simulator.url, apiKey, calls: { timeoutMs: 5_000, concurrency: 4, retries: 0 } });
}

async function failure(promise: Promise<unknown>): Promise<GridgraphError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GridgraphError);
  return error as GridgraphError;
}

beforeAll(async () => {
  simulator = await start__Name__Simulator({ now: () => NOW });
});
afterAll(async () => {
  await simulator.stop();
});
beforeEach(() => simulator.reset());

describe('the __Label__ connector', () => {
  it('reads the meters a page at a time, with their total', async () => {
    expect(await client().meters(1)).toEqual({ meters: [SEED_RECORD], total: 1 });
    expect(await client().meters(2)).toEqual({ meters: [], total: 1 });
    expect(simulator.callCount('GET', '/meters')).toBe(2);
  });

  it('finds meters by metering point id and by id; an unknown id is NOT_FOUND', async () => {
    expect(await client().metersAt([SEED_METER.meteringPointId!, '871687120000000000'])).toEqual([SEED_RECORD]);
    expect(await client().meter(SEED_METER.id)).toEqual(SEED_RECORD);
    expect((await failure(client().meter('no-such-meter'))).extensions).toMatchObject({ code: 'NOT_FOUND', provider: '__NAME__' });
  });

  it('reads half-hourly readings, none for a half hour that has not ended', async () => {
    const day = await client().readings(SEED_METER.id, new Date('2026-06-14T00:00:00Z'), new Date('2026-06-15T00:00:00Z'));
    expect(day).toHaveLength(48);
    expect(day[0]!.start).toBe('2026-06-14T00:00:00.000Z');
    for (const reading of day) expect(reading.kwh).toBeGreaterThan(0);
    const today = await client().readings(SEED_METER.id, new Date('2026-06-15T00:00:00Z'), new Date('2026-06-16T00:00:00Z'));
    expect(today).toHaveLength(24); // up to 12:00, the simulator's now
  });

  it('a refused key is UPSTREAM_REJECTED, and no message carries it', async () => {
    const refused = await failure(client('wrong-key-5f1c').meters(1));
    expect(refused.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', provider: '__NAME__', upstreamStatus: 401 });
    expect(refused.message).not.toContain('wrong-key-5f1c');
  });

  it('a failing __Label__ is UPSTREAM_UNAVAILABLE', async () => {
    simulator.setFaults({ errorRate: 1, errorStatus: 503 });
    try {
      expect((await failure(client().meters(1))).extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: '__NAME__' });
    } finally {
      simulator.setFaults({ errorRate: 0 });
    }
  });
});
