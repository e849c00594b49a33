import { perKeyLoader } from '../../shared/connector/batching.js';
import { getJson, setJson, type Store } from '../../shared/store/index.js';

/**
 * What the seed's payloads carry and the current API has no field for (issue 20: nothing a client sends
 * is silently dropped): a meter's address and number, a vehicle's brand, model, year and VIN, a hot
 * water tank's capacity and heating elements. Gridgraph keeps them in its durable store beside Volue's
 * id, without expiry, and returns them on read; deleting the object through the graph deletes them.
 */

export interface KeptLocationFields {
  address?: { street?: string; city?: string; zipCode?: string };
  meterNumber?: string;
}

export interface KeptResourceFields {
  brand?: string;
  model?: string;
  year?: number;
  vin?: string;
  capacity?: number;
  heatingElements?: number[];
}

const locationKey = (userId: string, locationId: string) =>
  `volue:kept:location:${encodeURIComponent(userId)}:${encodeURIComponent(locationId)}`;
const resourceKey = (resourceId: string) => `volue:kept:resource:${encodeURIComponent(resourceId)}`;

/** Writes and deletes; an empty set of fields deletes the record, so reads never find `{}`. */
export class VolueKeptFields {
  constructor(private readonly store: Store) {}

  setLocation(userId: string, locationId: string, fields: KeptLocationFields): Promise<void> {
    return this.put(locationKey(userId, locationId), fields);
  }

  deleteLocation(userId: string, locationId: string): Promise<void> {
    return this.put(locationKey(userId, locationId), {});
  }

  setResource(resourceId: string, fields: KeptResourceFields): Promise<void> {
    return this.put(resourceKey(resourceId), fields);
  }

  deleteResource(resourceId: string): Promise<void> {
    return this.put(resourceKey(resourceId), {});
  }

  /** Per-request loaders of the kept fields (one store read per object). */
  loaders() {
    return {
      location: perKeyLoader(
        ({ userId, locationId }: { userId: string; locationId: string }) =>
          getJson<KeptLocationFields>(this.store, locationKey(userId, locationId)),
        { cacheKeyFn: ({ userId, locationId }) => locationKey(userId, locationId) },
      ),
      resource: perKeyLoader((resourceId: string) => getJson<KeptResourceFields>(this.store, resourceKey(resourceId))),
    };
  }

  private async put(key: string, fields: object): Promise<void> {
    const given = JSON.parse(JSON.stringify(fields)) as Record<string, unknown>;
    if (Object.keys(given).length === 0) await this.store.delete(key);
    else await setJson(this.store, key, given);
  }
}

/** Only the fields given: undefined and null are left out, so "not given" is stored as absent. */
export function givenFields<T extends object>(fields: { [K in keyof T]?: T[K] | null }): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== null)) as T;
}
