import DataLoader from 'dataloader';
import { DateTime } from 'luxon';
import { mergeWindows, perKeyLoader, type Window } from '../../shared/batching.js';
import type { IntellimeterClient, IntellimeterPointRecord, IntellimeterReadingRecord } from './client.js';

/**
 * Per-request loaders over the Intellimeter connector (never module-level: cached records would leak
 * between users). `/data` and `/interval` answer for every point at once, so each is called at most once
 * per request; history for any number of points and ranges asked in one request is one `/file` call per
 * stretch of days (all meters in one file), split here by point.
 */
export interface HistoryKey extends Window {
  /** The point's name (MeterParam). */
  meter: string;
}

export function createIntellimeterLoaders(client: IntellimeterClient, siteZone: string) {
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

  /** Register readings at every 5 minutes of [from, to] (both ends, so the last interval can be differenced). */
  const history = new DataLoader<HistoryKey, IntellimeterReadingRecord[], string>(
    async (keys) => {
      const meters = new Set(keys.map((key) => key.meter));
      // One meter: ask for it alone; several: one file of all meters is one call instead of many.
      const meter = meters.size === 1 ? keys[0]!.meter : undefined;
      const files = mergeWindows(keys).map((window) => {
        const firstDay = DateTime.fromMillis(window.from, { zone: siteZone }).toISODate()!;
        const lastDay = DateTime.fromMillis(window.to, { zone: siteZone }).toISODate()!;
        return client.history(firstDay, lastDay, meter);
      });
      const settled = await Promise.allSettled(files);
      const rows = settled.flatMap((result) => (result.status === 'fulfilled' ? result.value : []));
      const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      return keys.map((key) => {
        if (failure) return failure.reason instanceof Error ? failure.reason : new Error(String(failure.reason));
        return rows.filter((row) => row.meter === key.meter && row.at.getTime() >= key.from && row.at.getTime() <= key.to);
      });
    },
    { cacheKeyFn: (key) => `${key.meter}|${key.from}|${key.to}` },
  );

  return { latestRegisters, latestIntervals, pointByName, pointById, allPoints, history };
}

export type IntellimeterLoaders = ReturnType<typeof createIntellimeterLoaders>;

/** A value fetched at most once (per request, as the loaders are). */
function once<T>(fetch: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= fetch());
}
