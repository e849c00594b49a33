import DataLoader from 'dataloader';
import { groupBy, oncePerArguments, perKeyLoader } from '../../shared/connector/batching.js';
import { NotFoundError } from '../../shared/graph/errors.js';
import { nationalMeterPointId } from '../../shared/graph/meter.js';
import { mappedMetersFound, type MeteringPointLookup } from '../../shared/subgraph/metering-point-mapping.js';
import type { EnerkeyClient, EnerkeyPageRequest, EnerkeyValue } from './client.js';
import {
  DAY_MS,
  ENERKEY_MAX_METERING_POINTS_PER_CALL,
  ENERKEY_MAX_VALUES_DAYS,
  type EnerkeyFacilityRecord,
  type EnerkeyMeterRecord,
  type EnerkeyValuesKind,
} from './contract.js';

/**
 * Per-request DataLoaders over the EnerKey connector (never module-level). EnerKey serves many ids per
 * call: facilities by ids, meters by meter or facility ids, and values for up to 50 meters per call, so
 * everything a request asks in one tick becomes one call per kind (values: one per 50 meters and window;
 * meters by metering point: one per 50 metering point ids).
 */
/** What an EnerKey id looks like (a whole number); a mapping entry under another id names no EnerKey meter. */
export const ENERKEY_ID = /^\d{1,15}$/;

export interface ValuesKey {
  kind: EnerkeyValuesKind;
  meterId: number;
  /** [from, to) in epoch ms. */
  from: number;
  to: number;
  /** The zone (a fixed offset, e.g. `UTC+02:00`) EnerKey is asked in: it cuts months there. */
  zone: string;
}

export function createEnerkeyLoaders(client: EnerkeyClient, meteringPoints: MeteringPointLookup) {
  const facilityById = new DataLoader<number, EnerkeyFacilityRecord>(async (ids) => {
    const found = new Map((await client.facilities(ids)).map((f) => [f.id, f]));
    return ids.map((id) => found.get(id) ?? new NotFoundError(`No EnerKey facility has id ${id}.`, { provider: 'ENERKEY' }));
  });

  const meterById = new DataLoader<number, EnerkeyMeterRecord>(async (ids) => {
    const found = new Map((await client.meters({ meterIds: ids })).map((m) => [m.id, m]));
    return ids.map((id) => found.get(id) ?? new NotFoundError(`No EnerKey meter has id ${id}.`, { provider: 'ENERKEY' }));
  });

  const metersByFacility = new DataLoader<number, EnerkeyMeterRecord[]>(async (facilityIds) => {
    const meters = await client.meters({ facilityIds });
    for (const meter of meters) meterById.prime(meter.id, meter);
    const byFacility = groupBy(meters, (m) => m.facilityId);
    return facilityIds.map((id) => byFacility.get(id) ?? []);
  });

  /**
   * The MeteringPoint join: the meters EnerKey records under each metering point, and those the
   * metering-point mapping assigns to it (meters without one of their own). Every metering point asked
   * in one tick is one call (per 50 ids); the mapped meters of them all, one more (by meter ids).
   */
  const metersByPoint = new DataLoader<string, EnerkeyMeterRecord[]>(async (pointIds) => {
    const chunks: string[][] = [];
    for (let i = 0; i < pointIds.length; i += ENERKEY_MAX_METERING_POINTS_PER_CALL) {
      chunks.push(pointIds.slice(i, i + ENERKEY_MAX_METERING_POINTS_PER_CALL));
    }
    const mappedIds = (await Promise.all(pointIds.map((id) => meteringPoints.metersAt(id)))).flat().filter((id) => ENERKEY_ID.test(id));
    const [recorded, mapped] = await Promise.all([
      Promise.all(chunks.map((ids) => client.meters({ meteringPointIds: ids }))).then((pages) => pages.flat()),
      meterById.loadMany([...new Set(mappedIds)].map(Number)).then(mappedMetersFound),
    ]);
    for (const meter of recorded) meterById.prime(meter.id, meter);
    const atPoint = await meteringPoints.atMeteringPoints([...recorded, ...mapped], (meter) => ({
      meterId: String(meter.id),
      recorded: nationalMeterPointId(meter.meteringPointId),
    }));
    return pointIds.map(atPoint);
  });

  /** Listings per distinct filter: a list asked twice in one request (aliases) costs one call. */
  const facilityPage = oncePerArguments(({ ids, page }: { ids?: readonly number[]; page: EnerkeyPageRequest }) =>
    client.facilityPage(ids, page),
  );
  const meterPage = oncePerArguments(({ filter, page }: { filter: Parameters<EnerkeyClient['meterPage']>[0]; page: EnerkeyPageRequest }) =>
    client.meterPage(filter, page),
  );

  const quantities = perKeyLoader((_all: 'all') => client.quantities());

  const actionById = perKeyLoader((id: number) => client.action(id));

  const values = new DataLoader<ValuesKey, { unit: string; values: EnerkeyValue[] } | null, string>(
    async (keys) => {
      const results = new Map<string, Promise<Map<number, { unit: string; values: EnerkeyValue[] }>>>();
      const windowOf = new Map<ValuesKey, string>();
      for (const [kindAndZone, kindKeys] of groupBy(keys, (key) => `${key.kind}|${key.zone}`)) {
        const { kind, zone } = kindKeys[0]!;
        // One window for all meters when it fits one call; otherwise one per distinct window.
        const from = Math.min(...kindKeys.map((k) => k.from));
        const to = Math.max(...kindKeys.map((k) => k.to));
        const windows =
          to - from <= ENERKEY_MAX_VALUES_DAYS[kind] * DAY_MS
            ? new Map([[`${from}|${to}`, kindKeys]])
            : groupBy(kindKeys, (k) => `${k.from}|${k.to}`);
        for (const [window, windowKeys] of windows) {
          const [start, end] = window.split('|').map(Number) as [number, number];
          const id = `${kindAndZone}|${window}`;
          for (const key of windowKeys) windowOf.set(key, id);
          results.set(
            id,
            client
              .values(
                kind,
                windowKeys.map((k) => k.meterId),
                new Date(start),
                new Date(end),
                zone,
              )
              .then((series) => new Map(series.map((s) => [s.meterId, { unit: s.unit, values: s.values }]))),
          );
        }
      }
      return Promise.all(
        keys.map(async (key) => {
          try {
            const series = (await results.get(windowOf.get(key)!)!).get(key.meterId);
            if (!series) return null;
            const inside = series.values.filter((v) => v.timestamp.getTime() >= key.from && v.timestamp.getTime() < key.to);
            return { unit: series.unit, values: inside };
          } catch (error) {
            return error as Error;
          }
        }),
      );
    },
    { cacheKeyFn: (key) => `${key.kind}|${key.zone}|${key.meterId}|${key.from}|${key.to}` },
  );

  return { facilityById, facilityPage, meterById, meterPage, metersByFacility, metersByPoint, quantities, actionById, values };
}

export type EnerkeyLoaders = ReturnType<typeof createEnerkeyLoaders>;
