import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../shared/graph/errors.js';
import { MemoryStore } from '../../shared/store/index.js';
import { MeteringPointMapping } from '../../shared/subgraph/metering-point-mapping.js';
import type { OpenvoltClient } from './client.js';
import type { OpenvoltMeterRecord } from './contract.js';
import { createOpenvoltLoaders, type OpenvoltAccountShape } from './loaders.js';

/**
 * `metersAtPoint`, the MeteringPoint join: one call for all points and mapped meters when the account
 * fits one page. Meter `m<i>` has number `n<i % 40>`; every tenth is a SolarEdge meter (its number is no
 * metering point), and the mapping puts the SolarEdge meters m10 and m20 at point n1 (m30 is unmapped).
 */
function fakeClient(meterCount: number) {
  const meters = Array.from(
    { length: meterCount },
    (_, i) =>
      ({ _id: `m${i}`, meter_number: `n${i % 40}`, data_source: i % 10 === 0 && i > 0 ? 'solaredge' : 'dcc' }) as OpenvoltMeterRecord,
  );
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
    async getMeter(id: string) {
      calls.push(`meter ${id}`);
      const meter = meters.find((candidate) => candidate._id === id);
      if (!meter) throw new NotFoundError(`No meter ${id}.`, { provider: 'OPENVOLT' });
      return meter;
    },
  } as unknown as OpenvoltClient;
  return { client, calls };
}

const mapping = (
  entries: Array<[string, string]> = [
    ['m10', 'n1'],
    ['m20', 'n1'],
  ],
) => new MeteringPointMapping(new MemoryStore(), 'OPENVOLT', new Map(entries)).forRequest(async () => undefined);

const ids = (meters: OpenvoltMeterRecord[] | undefined) => meters!.map((meter) => meter._id).sort();

describe('Openvolt metersAtPoint', () => {
  it('answers several points, mapped meters included, from the one page that holds every meter of a small account', async () => {
    const { client, calls } = fakeClient(52);
    const loaders = createOpenvoltLoaders(client, mapping());
    const [a, b, none] = await Promise.all(['n1', 'n2', 'zzz'].map((n) => loaders.metersAtPoint.load(n)));
    expect(ids(a)).toEqual(['m1', 'm10', 'm20', 'm41']);
    expect(ids(b)).toEqual(['m2', 'm42']);
    expect(none).toEqual([]);
    expect(calls).toEqual(['page 1']);
  });

  it('one point without mapped meters is one filtered call; a SolarEdge meter’s number is no metering point', async () => {
    const { client, calls } = fakeClient(52);
    // n10 and n30's own meters (m10, m30) are SolarEdge meters: numbered so, but not at that point.
    expect(ids(await createOpenvoltLoaders(client, mapping()).metersAtPoint.load('n10'))).toEqual([]);
    expect(ids(await createOpenvoltLoaders(client, mapping()).metersAtPoint.load('n3'))).toEqual(['m3', 'm43']);
    expect(calls).toEqual(['number n10', 'number n3']);
  });

  it('one point with mapped meters is the one page of a small account', async () => {
    const { client, calls } = fakeClient(52);
    expect(ids(await createOpenvoltLoaders(client, mapping()).metersAtPoint.load('n1'))).toEqual(['m1', 'm10', 'm20', 'm41']);
    expect(calls).toEqual(['page 1']);
  });

  it('a large account is probed once per process, then each point is filtered and each mapped meter read by id', async () => {
    const { client, calls } = fakeClient(250);
    const account: OpenvoltAccountShape = { moreThanOnePage: false };
    // A mapped meter Openvolt no longer has is left out.
    const lookup = () =>
      mapping([
        ['m10', 'n1'],
        ['m999', 'n1'],
        ['m20', 'n6'],
      ]);
    const firstRequest = createOpenvoltLoaders(client, lookup(), account);
    const first = await Promise.all(['n1', 'n2'].map((n) => firstRequest.metersAtPoint.load(n)));
    expect(ids(first[0])).toEqual(['m1', 'm10', 'm121', 'm161', 'm201', 'm241', 'm41', 'm81']);
    expect(account.moreThanOnePage).toBe(true);
    expect(calls.sort()).toEqual(['meter m10', 'meter m999', 'number n1', 'number n2', 'page 1']);
    calls.length = 0;
    const nextRequest = createOpenvoltLoaders(client, lookup(), account);
    await Promise.all(['n5', 'n6'].map((n) => nextRequest.metersAtPoint.load(n)));
    expect(calls.sort()).toEqual(['meter m20', 'number n5', 'number n6']);
  });
});
