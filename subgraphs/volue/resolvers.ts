import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { BadUserInputError, orNotFound } from '../../shared/graph/errors.js';
import { collectPages, type Connection, ConnectionArgs, MeteringPoint, offsetAfter, toConnection } from '../../shared/graph/index.js';
import type { Store } from '../../shared/store/index.js';
import type { VolueClient } from './client.js';
import type { VolueLocationRecord, VoluePagination, VolueResourceRecord } from './contract.js';
import type { VolueKeptFields } from './kept-fields.js';
import type { VolueLoaders } from './loaders.js';
import {
  VolueCompensation,
  VolueEnrollment,
  VolueEvent,
  VolueEventConnection,
  VolueLocation,
  VolueMeter,
  VolueMeterPointEligibility,
  VolueNotification,
  VolueNotificationConnection,
  VolueNotificationType,
  VolueResource,
  VolueResourceType,
  VolueUser,
  VolueUserConnection,
  VolueVehicle,
  VolueWebhook,
  VolueWebhookDelivery,
  VolueWebhookDeliveryConnection,
} from './schema/index.js';
import type { VolueNotifications } from './webhooks.js';

export interface VolueContext {
  client: VolueClient;
  /** Shared between replicas: idempotency records (shared/connector/idempotency.ts). */
  store: Store;
  /** The fields Volue has no place for, kept beside its ids (kept-fields.ts). */
  kept: VolueKeptFields;
  loaders: VolueLoaders;
  notifications: VolueNotifications;
  webhooks: {
    /** The secret every webhook this server creates is signed with (and its receiver verifies). */
    secret: string;
    /** This server's own receiver, the default target of subscribeVolueEvents; undefined when unknown. */
    receiverUrl: string | undefined;
  };
}

/** Volue pages are up to 1000 items; a GraphQL page is at most 100, so ask for 100 at a time. */
const VOLUE_PAGE_SIZE = 100;
const USER_ID_ARG = { description: 'Your own id of the Volue user.' };
const EVENT_ID_ARG = { description: 'Volue’s id of the event.' };

/** Ids go into Volue's URL paths: refused unless they are a plain segment, so bad input costs no call. */
const ID_SEGMENT = /^[^/?#\s]{1,200}$/;

export function requireId(id: string, what: string): string {
  const trimmed = id.trim();
  if (!ID_SEGMENT.test(trimmed)) {
    throw new BadUserInputError(`${what} must be 1 to 200 characters, without spaces, "/", "?" or "#".`, {
      provider: 'VOLUE',
      field: what,
    });
  }
  return trimmed;
}

/** Volue's webhook ids are GUIDs: anything else is refused before it reaches a URL path. */
export function requireWebhookId(id: string, what = 'id'): string {
  const trimmed = id.trim();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(trimmed)) {
    throw new BadUserInputError(`${what} must be a Volue webhook id (a GUID such as 3f2b…-…), got "${trimmed.slice(0, 60)}".`, {
      provider: 'VOLUE',
      field: what,
    });
  }
  return trimmed;
}

/** A connection over one of Volue's paginated lists (page/pageSize stay inside). */
async function pagedConnection<R, T>(
  args: ConnectionArgs,
  fetchPage: (page: number, size: number) => Promise<{ pagination: VoluePagination; items: R[] }>,
  toNode: (record: R) => T,
): Promise<Connection<T>> {
  const offset = offsetAfter(args.after);
  let total: number | null = null;
  const records = await collectPages(offset, args.first, VOLUE_PAGE_SIZE, async (page, size) => {
    const answer = await fetchPage(page, size);
    total = answer.pagination.totalRecords;
    return answer.items;
  });
  return toConnection(records.map(toNode), offset, args.first, total);
}

/** A location with the fields Gridgraph keeps for it. */
export async function locationOf(record: VolueLocationRecord, userId: string, loaders: VolueLoaders): Promise<VolueLocation> {
  const owner = record.userId ?? userId;
  return VolueLocation.of(record, owner, await loaders.kept.location.load({ userId: owner, locationId: record.locationId }));
}

/** A resource with the fields Gridgraph keeps for it. */
export async function resourceOf(record: VolueResourceRecord, loaders: VolueLoaders): Promise<VolueResource> {
  return VolueResource.of(record, await loaders.kept.resource.load(record.resourceId));
}

async function userLocations(userId: string, loaders: VolueLoaders): Promise<VolueLocation[]> {
  return Promise.all((await loaders.locationsByUser.load(userId)).map((record) => locationOf(record, userId, loaders)));
}

async function userResources(userId: string, loaders: VolueLoaders): Promise<VolueResource[]> {
  return Promise.all((await loaders.resourcesByUser.load(userId)).map((record) => resourceOf(record, loaders)));
}

@Resolver()
export class VolueQueryResolver {
  @Query(() => VolueUserConnection, { nullable: true, description: 'Users registered with Volue, in Volue’s order.' })
  volueUsers(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() { loaders }: VolueContext): Promise<Connection<VolueUser>> {
    return pagedConnection(
      args,
      async (page, size) => {
        const { pagination, users } = await loaders.userPage({ page, pageSize: size });
        return { pagination, items: users };
      },
      (user) => VolueUser.of(user.userId),
    );
  }

  @Query(() => VolueUserConnection, {
    nullable: true,
    description: 'Users Volue finds eligible for flexibility (a location with an eligible metering point), in Volue’s order.',
  })
  volueEligibleUsers(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() { client }: VolueContext): Promise<Connection<VolueUser>> {
    return pagedConnection(
      args,
      async (page, size) => {
        const { pagination, users } = await client.listEligibleUsers(page, size);
        return { pagination, items: users };
      },
      (user) => VolueUser.of(user.userId),
    );
  }

  @Query(() => VolueUser, { nullable: true, description: 'One Volue user by id; a NOT_FOUND error when there is none.' })
  async volueUser(@Arg('id', () => ID, USER_ID_ARG) id: string, @Ctx() { loaders }: VolueContext): Promise<VolueUser> {
    const user = await orNotFound(loaders.userById.load(requireId(id, 'id')), `No Volue user has id ${id}.`);
    return VolueUser.of(user.userId);
  }

  @Query(() => VolueResource, {
    nullable: true,
    description: 'One Volue resource (a vehicle or a location-bound device) by id; NOT_FOUND when there is none.',
  })
  async volueResource(
    @Arg('id', () => ID, { description: 'Your own id of the resource.' }) id: string,
    @Ctx() { loaders }: VolueContext,
  ): Promise<VolueResource> {
    return resourceOf(await orNotFound(loaders.resourceById.load(requireId(id, 'id')), `No Volue resource has id ${id}.`), loaders);
  }

  @Query(() => VolueMeterPointEligibility, {
    nullable: true,
    description: 'Whether Volue’s flexibility market covers a metering point (registered with Volue or not).',
  })
  async volueMeterPointEligibility(
    @Arg('meterPointId', () => ID, { description: 'The national metering point id, e.g. an 18-digit Norwegian MPID.' })
    meterPointId: string,
    @Ctx() { loaders }: VolueContext,
  ): Promise<VolueMeterPointEligibility> {
    const record = await loaders.eligibilityByPointId.load(requireId(meterPointId, 'meterPointId'));
    return Object.assign(new VolueMeterPointEligibility(), { meterPointId: record.meterPointId, isEligible: record.isEligible });
  }

  @Query(() => VolueEventConnection, { nullable: true, description: 'Events Volue has announced to you, newest first.' })
  volueEvents(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() { client }: VolueContext): Promise<Connection<VolueEvent>> {
    return pagedConnection(
      args,
      async (page, size) => {
        const { pagination, events } = await client.listEvents(page, size);
        return { pagination, items: events };
      },
      VolueEvent.fromRecord,
    );
  }

  @Query(() => VolueEvent, { nullable: true, description: 'One Volue event by id; a NOT_FOUND error when there is none.' })
  async volueEvent(@Arg('id', () => ID, EVENT_ID_ARG) id: string, @Ctx() { loaders }: VolueContext): Promise<VolueEvent> {
    return VolueEvent.fromRecord(await orNotFound(loaders.eventById.load(requireId(id, 'id')), `No Volue event has id ${id}.`));
  }

  @Query(() => [VolueWebhook], { nullable: true, description: 'Every webhook registered with Volue for your partner account.' })
  async volueWebhooks(@Ctx() { client }: VolueContext): Promise<VolueWebhook[]> {
    return (await client.listWebhooks()).map(VolueWebhook.fromRecord);
  }

  @Query(() => VolueWebhookDeliveryConnection, {
    nullable: true,
    description: 'Volue’s log of notification deliveries to your webhooks, newest first; of one webhook when webhookId is given.',
  })
  volueWebhookDeliveries(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('webhookId', () => ID, { nullable: true, description: 'Only deliveries to this webhook.' }) webhookId: string | null,
    @Ctx() { client }: VolueContext,
  ): Promise<Connection<VolueWebhookDelivery>> {
    return webhookDeliveries(client, webhookId ? requireWebhookId(webhookId, 'webhookId') : undefined, args);
  }

  @Query(() => VolueWebhookDelivery, {
    nullable: true,
    description: 'One delivery by its notification id, with the body that was sent (content).',
  })
  async volueWebhookDelivery(
    @Arg('notificationId', () => ID, { description: 'Volue’s id of the notification.' }) notificationId: string,
    @Ctx() { client }: VolueContext,
  ): Promise<VolueWebhookDelivery> {
    const detail = await client.getWebhookLog(requireId(notificationId, 'notificationId'));
    if (!detail.webhookNotificationLog)
      throw new BadUserInputError(`Volue has no delivery of notification ${notificationId}.`, {
        provider: 'VOLUE',
        field: 'notificationId',
      });
    return VolueWebhookDelivery.fromRecord(detail.webhookNotificationLog, detail.notificationContent ?? null);
  }

  @Query(() => VolueNotificationConnection, {
    nullable: true,
    description:
      'Notifications received from Volue with a valid signature, newest first; kept in the store for WEBHOOK_RETENTION_DAYS (default 30 days).',
  })
  volueNotifications(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('notificationType', () => VolueNotificationType, { nullable: true, description: 'Only notifications of this type.' })
    notificationType: VolueNotificationType | null,
    @Ctx() { notifications }: VolueContext,
  ): Promise<Connection<VolueNotification>> {
    return notifications.list(notificationType, args);
  }
}

export function webhookDeliveries(
  client: VolueClient,
  webhookId: string | undefined,
  args: ConnectionArgs,
): Promise<Connection<VolueWebhookDelivery>> {
  return pagedConnection(
    args,
    async (page, size) => {
      const { pagination, webhookNotificationLogs } = await client.listWebhookLogs(webhookId, page, size);
      return { pagination, items: webhookNotificationLogs };
    },
    (record) => VolueWebhookDelivery.fromRecord(record),
  );
}

@Resolver(() => VolueUser)
export class VolueUserResolver {
  @FieldResolver(() => [VolueLocation], { nullable: true, description: 'The user’s locations (sites with their metering points).' })
  locations(@Root() user: VolueUser, @Ctx() { loaders }: VolueContext): Promise<VolueLocation[]> {
    return userLocations(user.id, loaders);
  }

  @FieldResolver(() => [VolueResource], { nullable: true, description: 'The user’s vehicles and location-bound resources.' })
  resources(@Root() user: VolueUser, @Ctx() { loaders }: VolueContext): Promise<VolueResource[]> {
    return userResources(user.id, loaders);
  }

  @FieldResolver(() => VolueEnrollment, { nullable: true, description: 'Whether the user is enrolled in Volue’s flexibility programme.' })
  async enrollment(@Root() user: VolueUser, @Ctx() { loaders }: VolueContext): Promise<VolueEnrollment> {
    return VolueEnrollment.of(await loaders.enrollmentByUser.load(user.id));
  }

  @FieldResolver(() => Boolean, { nullable: true, description: 'Whether Volue finds the user eligible for flexibility.' })
  async isEligible(@Root() user: VolueUser, @Ctx() { loaders }: VolueContext): Promise<boolean> {
    return (await loaders.eligibilityByUser.load(user.id)).isEligible;
  }

  @FieldResolver(() => VolueCompensation, {
    nullable: true,
    description: 'What the user earned this month, per location, with any problems.',
  })
  async compensation(@Root() user: VolueUser, @Ctx() { loaders }: VolueContext): Promise<VolueCompensation> {
    return VolueCompensation.of(await loaders.compensationByUser.load(user.id), user.id);
  }

  @FieldResolver(() => [VolueMeter], {
    nullable: true,
    description: 'The seed’s view of the user’s locations: one meter per location, with its first metering point.',
    deprecationReason: 'Use locations.',
  })
  async meters(@Root() user: VolueUser, @Ctx() { loaders }: VolueContext): Promise<VolueMeter[]> {
    return (await userLocations(user.id, loaders)).map(VolueMeter.of);
  }

  @FieldResolver(() => [VolueVehicle], {
    nullable: true,
    description: 'The seed’s view of the user’s vehicle resources.',
    deprecationReason: 'Use resources (resourceType VEHICLE).',
  })
  async vehicles(@Root() user: VolueUser, @Ctx() { loaders }: VolueContext): Promise<VolueVehicle[]> {
    return (await userResources(user.id, loaders))
      .filter((resource) => resource.resourceType === VolueResourceType.VEHICLE)
      .map(VolueVehicle.of);
  }
}

@Resolver(() => VolueLocation)
export class VolueLocationResolver {
  @FieldResolver(() => [VolueResource], { nullable: true, description: 'The resources bound to this location.' })
  async resources(@Root() location: VolueLocation, @Ctx() { loaders }: VolueContext): Promise<VolueResource[]> {
    return (await userResources(location.userId, loaders)).filter((resource) => resource.locationId === location.id);
  }

  @FieldResolver(() => [MeteringPoint], {
    description: 'The metering points of this location, joining what every provider knows about them.',
  })
  meteringPoints(@Root() location: VolueLocation): MeteringPoint[] {
    return location.meterPointIds.map((id) => new MeteringPoint(id));
  }

  @FieldResolver(() => VolueUser, { description: 'The user the location belongs to.' })
  user(@Root() location: VolueLocation): VolueUser {
    return VolueUser.of(location.userId);
  }
}

@Resolver(() => VolueResource)
export class VolueResourceResolver {
  @FieldResolver(() => VolueLocation, { nullable: true, description: 'The location the resource is bound to; null for a vehicle.' })
  async location(@Root() resource: VolueResource, @Ctx() { loaders }: VolueContext): Promise<VolueLocation | null> {
    if (!resource.locationId) return null;
    return (await userLocations(resource.userId, loaders)).find((location) => location.id === resource.locationId) ?? null;
  }

  @FieldResolver(() => MeteringPoint, { nullable: true, description: 'The metering point the resource sits behind, when stated.' })
  meteringPoint(@Root() resource: VolueResource): MeteringPoint | null {
    return resource.meterPointId ? new MeteringPoint(resource.meterPointId) : null;
  }

  @FieldResolver(() => VolueUser, { description: 'The user who owns the resource.' })
  user(@Root() resource: VolueResource): VolueUser {
    return VolueUser.of(resource.userId);
  }
}

@Resolver(() => VolueMeter)
export class VolueMeterResolver {
  @FieldResolver(() => MeteringPoint, {
    nullable: true,
    description: 'The metering point this meter measures, joining what every provider knows about it.',
  })
  meteringPoint(@Root() meter: VolueMeter): MeteringPoint | null {
    return meter.meterPointId ? new MeteringPoint(meter.meterPointId) : null;
  }

  @FieldResolver(() => VolueUser, { description: 'The user the meter is registered for.' })
  user(@Root() meter: VolueMeter): VolueUser {
    return VolueUser.of(meter.userId);
  }
}

@Resolver(() => VolueMeterPointEligibility)
export class VolueMeterPointEligibilityResolver {
  @FieldResolver(() => MeteringPoint, { description: 'The metering point, joining what every provider knows about it.' })
  meteringPoint(@Root() eligibility: VolueMeterPointEligibility): MeteringPoint {
    return new MeteringPoint(eligibility.meterPointId);
  }
}

@Resolver(() => VolueWebhook)
export class VolueWebhookResolver {
  @FieldResolver(() => VolueWebhookDeliveryConnection, {
    nullable: true,
    description: 'Volue’s log of deliveries to this webhook, newest first.',
  })
  deliveries(
    @Root() webhook: VolueWebhook,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { client }: VolueContext,
  ): Promise<Connection<VolueWebhookDelivery>> {
    return webhookDeliveries(client, webhook.id, args);
  }
}

@Resolver(() => MeteringPoint)
export class VolueMeteringPointResolver {
  @FieldResolver(() => [VolueLocation], {
    nullable: true,
    description:
      'Volue locations that list this metering point id: one per user who registered it (empty when none; null, with a coded error, when Volue is failing).',
  })
  async volueLocations(@Root() point: MeteringPoint, @Ctx() { loaders }: VolueContext): Promise<VolueLocation[]> {
    const records = await loaders.locationsByPointId.load(point.id);
    return Promise.all(records.map((record) => locationOf(record, record.userId ?? '', loaders)));
  }

  @FieldResolver(() => [VolueMeter], {
    nullable: true,
    description: 'The seed’s view of volueLocations: one meter per Volue location that lists this metering point id.',
    deprecationReason: 'Use volueLocations.',
  })
  async volueMeters(@Root() point: MeteringPoint, @Ctx() context: VolueContext): Promise<VolueMeter[]> {
    return (await this.volueLocations(point, context)).map((location) =>
      VolueMeter.of(Object.assign(new VolueLocation(), location, { meterPointIds: [point.id] })),
    );
  }
}

export const volueReferenceResolvers = {
  VolueUser: async ({ id }: { id?: unknown }, { loaders }: VolueContext) =>
    VolueUser.of((await orNotFound(loaders.userById.load(String(id)), `No Volue user has id ${String(id)}.`)).userId),
  VolueEvent: async ({ id }: { id?: unknown }, { loaders }: VolueContext) =>
    VolueEvent.fromRecord(await orNotFound(loaders.eventById.load(String(id)), `No Volue event has id ${String(id)}.`)),
  VolueWebhook: async ({ id }: { id?: unknown }, { loaders }: VolueContext) =>
    VolueWebhook.fromRecord(await orNotFound(loaders.webhookById.load(String(id)), `No Volue webhook has id ${String(id)}.`)),
};
