import { describe, expect, it } from 'vitest';
import type { OpenvoltClient } from './client.js';
import type { OpenvoltMeterRecord } from './contract.js';
import { createOpenvoltLoaders, type OpenvoltAccountShape } from './loaders.js';

/** `metersByNumber`, the MeteringPoint join: one call for all numbers when the account fits one page. */
function fakeClient(meterCount: number) {
  const meters = Array.from({ length: meterCount }, (_, i) => ({ _id: `m${i}`, meter_number: `n${i % 40}` }) as OpenvoltMeterRecord);
  const calls: string[] = [];
  const client = {
    async listMeters({ page, pageSize }: { page: number; pageSize: number }) {
      calls.push(`page ${page}`);
      return meters.slice((page - 1) * pageSize, page * pageSize);
    },
    async listAllMeters({ meter_number }: { meter_number?: string }) {
      calls.push(`number ${meter_number}`);
      return meters.filter((meter) => meter.meter_number === meter_number);
    },
  } as unknown as OpenvoltClient;
  return { client, calls };
}

describe('Openvolt metersByNumber', () => {
  it('answers several numbers from the one page that holds every meter of a small account', async () => {
    const { client, calls } = fakeClient(52);
    const loaders = createOpenvoltLoaders(client);
    const [a, b, none] = await Promise.all(['n1', 'n2', 'zzz'].map((n) => loaders.metersByNumber.load(n)));
    expect(a!.map((m) => m._id)).toEqual(['m1', 'm41']);
    expect(b!.map((m) => m._id)).toEqual(['m2', 'm42']);
    expect(none).toEqual([]);
    expect(calls).toEqual(['page 1']);
  });

  it('one number is one filtered call', async () => {
    const { client, calls } = fakeClient(52);
    expect((await createOpenvoltLoaders(client).metersByNumber.load('n3')).map((m) => m._id)).toEqual(['m3', 'm43']);
    expect(calls).toEqual(['number n3']);
  });

  it('a large account is probed once per process, then each number is filtered', async () => {
    const { client, calls } = fakeClient(250);
    const account: OpenvoltAccountShape = { moreThanOnePage: false };
    const firstRequest = createOpenvoltLoaders(client, account);
    const first = await Promise.all(['n1', 'n2'].map((n) => firstRequest.metersByNumber.load(n)));
    expect(first[0]).toHaveLength(7);
    expect(account.moreThanOnePage).toBe(true);
    expect(calls).toEqual(['page 1', 'number n1', 'number n2']);
    calls.length = 0;
    const nextRequest = createOpenvoltLoaders(client, account);
    await Promise.all(['n5', 'n6'].map((n) => nextRequest.metersByNumber.load(n)));
    expect(calls).toEqual(['number n5', 'number n6']);
  });
});
