import DataLoader from 'dataloader';
import { oncePerArguments, perKeyLoader } from '../../shared/connector/batching.js';
import type { VolueClient } from './client.js';
import type { VolueLocationRecord } from './contract.js';
import type { VolueKeptFields } from './kept-fields.js';

/**
 * Per-request DataLoaders over the Volue connector (never module-level: cached records would leak
 * between users). Volue has no batch reads, so batching means one call per distinct key per request:
 * a user's locations and resources are read once however many fields ask for them (a location's
 * resources are its user's, filtered). Volue has no lookup of locations by metering point id:
 * `locationsByPointId` lists the users once per request and reads each user's locations (through
 * `locationsByUser`, so those calls are shared).
 */
export function createVolueLoaders(client: VolueClient, kept: VolueKeptFields) {
  const userById = perKeyLoader((userId: string) => client.getUser(userId));
  const locationsByUser = perKeyLoader((userId: string) => client.listLocations(userId));
  const resourcesByUser = perKeyLoader((userId: string) => client.listUserResources(userId));
  const resourceById = perKeyLoader((resourceId: string) => client.getResource(resourceId));
  const enrollmentByUser = perKeyLoader((userId: string) => client.getEnrollment(userId));
  const eligibilityByUser = perKeyLoader((userId: string) => client.getUserEligibility(userId));
  const compensationByUser = perKeyLoader((userId: string) => client.getCompensation(userId));
  const eligibilityByPointId = perKeyLoader((meterPointId: string) => client.getMeterPointEligibility(meterPointId));
  const eventById = perKeyLoader((eventId: string) => client.getEvent(eventId));
  const webhookById = perKeyLoader((webhookId: string) => client.getWebhook(webhookId));
  /** One page of users per distinct page: a list asked twice (aliases) shares it. */
  const userPage = oncePerArguments(({ page, pageSize }: { page: number; pageSize: number }) => client.listUsers(page, pageSize));

  let allLocations: Promise<VolueLocationRecord[]> | undefined;
  const locationsByPointId = new DataLoader<string, VolueLocationRecord[]>(async (pointIds) => {
    allLocations ??= (async () => {
      const userIds = await client.listAllUserIds();
      const lists = await locationsByUser.loadMany(userIds);
      // One user's locations failing fails the lookup: a partial answer would silently miss locations.
      const failed = lists.find((list): list is Error => list instanceof Error);
      if (failed) throw failed;
      return (lists as VolueLocationRecord[][]).flatMap((list, index) =>
        list.map((location) => ({ ...location, userId: location.userId ?? userIds[index]! })),
      );
    })();
    const locations = await allLocations;
    return pointIds.map((id) => locations.filter((location) => (location.meterPointIds ?? []).includes(id)));
  });

  return {
    userById,
    userPage,
    locationsByUser,
    resourcesByUser,
    resourceById,
    enrollmentByUser,
    eligibilityByUser,
    compensationByUser,
    eligibilityByPointId,
    eventById,
    webhookById,
    locationsByPointId,
    kept: kept.loaders(),
  };
}

export type VolueLoaders = ReturnType<typeof createVolueLoaders>;
