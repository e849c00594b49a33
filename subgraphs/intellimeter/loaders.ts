import { perKeyLoader } from '../../shared/connector/batching.js';
import type { IntellimeterClient, IntellimeterPointRecord } from './client.js';

/**
 * Per-request loaders over the Intellimeter connector (never module-level: cached records would leak
 * between users). `/data` and `/interval` answer for every point at once, so each is called at most once
 * per request. History goes through the kit's pipeline (readings.ts): one `/file` for all points.
 */
export function createIntellimeterLoaders(client: IntellimeterClient) {
  const latestRegisters = once(() => client.latestRegisters());
  const latestIntervals = once(() => client.latestIntervals());

  const pointByName = perKeyLoader(async (name: string): Promise<IntellimeterPointRecord> => {
    const point = await client.point({ name });
    pointById.prime(point.id, point);
    return point;
  });
  const pointById = perKeyLoader(async (id: number): Promise<IntellimeterPointRecord> => {
    const point = await client.point({ id });
    pointByName.prime(point.name, point);
    return point;
  });

  /** Every point of the site: the names `/data` reports, then each point's details. */
  const allPoints = once(async () => {
    const names = [...new Set((await latestRegisters()).map((reading) => reading.meter))];
    const points = await pointByName.loadMany(names);
    const failed = points.find((point): point is Error => point instanceof Error);
    if (failed) throw failed;
    return points as IntellimeterPointRecord[];
  });

  return { latestRegisters, latestIntervals, pointByName, pointById, allPoints };
}

export type IntellimeterLoaders = ReturnType<typeof createIntellimeterLoaders>;

/** A value fetched at most once (per request, as the loaders are). */
function once<T>(fetch: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= fetch());
}
