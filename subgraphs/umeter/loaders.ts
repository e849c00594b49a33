import DataLoader from 'dataloader';
import { perKeyLoader, type Window } from '../../shared/batching.js';
import { ReadingQuality, type NativeReading } from '../../shared/timeseries/index.js';
import { UMETER_MAX_EANS_PER_CALL, type UmeterClient, type UmeterCustomerRecord } from './client.js';
import { periodsCovering, type MeasKey, type MeasurementRoute, type MeasurementSeries } from './measurements.js';

/**
 * Per-request DataLoaders over the UMeter connector (never module-level: cached records would leak
 * between users). The customer is one call per request; measurements are batched the way UMeter's
 * measurement host allows: all keys of a batch that use the same route are served by one call per
 * period (year, month or day) carrying every EAN and measKey asked for that period.
 */
export interface MeasurementKey extends Window {
  ean: string;
  measKey: MeasKey;
  route: MeasurementRoute;
}

const CUSTOMER = 'customer';

export function createUmeterLoaders(client: UmeterClient) {
  /** The logged-in customer; there is only one per login, so the key is a constant. */
  const customer = perKeyLoader((_key: typeof CUSTOMER) => client.getCustomer());

  const measurements = new DataLoader<MeasurementKey, NativeReading[], string>(
    async (keys) => {
      // (route, period) → the EANs and keys to ask for in that one call.
      const calls = new Map<string, { route: MeasurementRoute; period: string; eans: Set<string>; measKeys: Set<MeasKey> }>();
      const periodsOfKey = keys.map((key) => periodsCovering(key.route, key.from, key.to));
      keys.forEach((key, index) => {
        for (const period of periodsOfKey[index]!) {
          const id = `${key.route}/${period}`;
          const call = calls.get(id) ?? { route: key.route, period, eans: new Set(), measKeys: new Set() };
          call.eans.add(key.ean);
          call.measKeys.add(key.measKey);
          calls.set(id, call);
        }
      });
      const results = new Map<string, Promise<MeasurementSeries[]>>();
      for (const [id, call] of calls) {
        const eans = [...call.eans].sort();
        const measKeys = [...call.measKeys].sort();
        const chunks = chunk(eans, UMETER_MAX_EANS_PER_CALL);
        results.set(
          id,
          Promise.all(chunks.map((part) => client.measurements(call.route, call.period, part, measKeys))).then((parts) => parts.flat()),
        );
      }
      return Promise.all(
        keys.map(async (key, index) => {
          try {
            const series = await Promise.all(periodsOfKey[index]!.map((period) => results.get(`${key.route}/${period}`)!));
            return series
              .flat()
              .filter((entry) => entry.meteringPointId === key.ean && entry.measKey === key.measKey)
              .flatMap((entry) => entry.values)
              .filter((value) => value.start.getTime() >= key.from && value.end.getTime() <= key.to)
              .map(
                (value): NativeReading => ({
                  start: value.start,
                  end: value.end,
                  value: value.kwh,
                  quality: value.kwh === null ? ReadingQuality.MISSING : ReadingQuality.MEASURED,
                }),
              );
          } catch (error) {
            return error as Error;
          }
        }),
      );
    },
    { cacheKeyFn: (key) => `${key.ean}|${key.measKey}|${key.route}|${key.from}|${key.to}` },
  );

  return {
    customer: (): Promise<UmeterCustomerRecord> => customer.load(CUSTOMER),
    measurements,
  };
}

export type UmeterLoaders = ReturnType<typeof createUmeterLoaders>;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
