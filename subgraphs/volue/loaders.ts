import DataLoader from 'dataloader';
import { oncePerArguments, perKeyLoader } from '../../shared/connector/batching.js';
import type { VolueClient } from './client.js';
import type { VolueMeterRecord } from './contract.js';

/**
 * Per-request DataLoaders over the Volue connector (never module-level: cached records would leak
 * between users). Volue has no batch reads, so batching means one call per distinct key per request.
 * Volue has no lookup of meters by metering point id: `metersByPointId` lists the users once per
 * request and reads each user's meters (through `metersByUser`, so those calls are shared).
 */
export function createVolueLoaders(client: VolueClient) {
  const userById = perKeyLoader((userId: string) => client.getUser(userId));
  const metersByUser = perKeyLoader((userId: string) => client.listMeters(userId));
  const vehiclesByUser = perKeyLoader((userId: string) => client.listVehicles(userId));
  const resourcesByUser = perKeyLoader((userId: string) => client.listResources(userId));
  const eventById = perKeyLoader((eventId: string) => client.getEvent(eventId));
  const webhookById = perKeyLoader((webhookId: string) => client.getWebhook(webhookId));
  /** One page of users per distinct page: a list asked twice (aliases) shares it. */
  const userPage = oncePerArguments(({ page, pageSize }: { page: number; pageSize: number }) => client.listUsers(page, pageSize));

  let allMeters: Promise<VolueMeterRecord[]> | undefined;
  const metersByPointId = new DataLoader<string, VolueMeterRecord[]>(async (pointIds) => {
    allMeters ??= (async () => {
      const userIds = await client.listAllUserIds();
      const lists = await metersByUser.loadMany(userIds);
      // One user's meters failing fails the lookup: a partial answer would silently miss meters.
      const failed = lists.find((list): list is Error => list instanceof Error);
      if (failed) throw failed;
      return (lists as VolueMeterRecord[][]).flatMap((list, index) =>
        list.map((meter) => ({ ...meter, userId: meter.userId ?? userIds[index] })),
      );
    })();
    const meters = await allMeters;
    return pointIds.map((id) => meters.filter((meter) => meter.meterPointId === id));
  });

  return { userById, userPage, metersByUser, vehiclesByUser, resourcesByUser, eventById, webhookById, metersByPointId };
}

export type VolueLoaders = ReturnType<typeof createVolueLoaders>;
