import DataLoader from 'dataloader';
import { groupBy, oncePerArguments, perKeyLoader } from '../../shared/connector/batching.js';
import type { __Name__Client } from './client.js';
import { __NAME___MAX_METERING_POINTS_PER_CALL, type __Name__MeterRecord } from './contract.js';

/**
 * Per-request DataLoaders over the __Label__ connector (never module-level: that would share one
 * user's answers with another). A meter by id is one call each; every metering point asked in one tick
 * is one call per __NAME___MAX_METERING_POINTS_PER_CALL ids; a page of the meter list asked twice (two
 * aliases of the root list) is one call.
 */
export function create__Name__Loaders(client: __Name__Client) {
  const meterById = perKeyLoader((id: string) => client.meter(id));
  const meterPage = oncePerArguments(({ page, pageSize }: { page: number; pageSize: number }) => client.meters(page, pageSize));

  const metersByPoint = new DataLoader<string, __Name__MeterRecord[]>(async (pointIds) => {
    const calls: Array<Promise<__Name__MeterRecord[]>> = [];
    for (let i = 0; i < pointIds.length; i += __NAME___MAX_METERING_POINTS_PER_CALL) {
      calls.push(client.metersAt(pointIds.slice(i, i + __NAME___MAX_METERING_POINTS_PER_CALL)));
    }
    const meters = (await Promise.all(calls)).flat();
    for (const meter of meters) meterById.prime(meter.id, meter);
    const byPoint = groupBy(meters, (meter) => meter.meteringPointId);
    return pointIds.map((id) => byPoint.get(id) ?? []);
  });

  return { meterById, meterPage, metersByPoint };
}

export type __Name__Loaders = ReturnType<typeof create__Name__Loaders>;
