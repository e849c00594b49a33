import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { BadUserInputError, orNotFound } from '../../shared/graph/errors.js';
import { RequiresRole } from '../../shared/graph/role-directive.js';
import {
  collectPages,
  type Connection,
  ConnectionArgs,
  Deletion,
  MeteringPoint,
  offsetAfter,
  toConnection,
} from '../../shared/graph/index.js';
import type { VolueClient } from './client.js';
import { VOLUE_REPORT_RESOLUTION, type VolueEnergyPoint, type VolueReportPayload, type VolueWebhookInput } from './contract.js';
import type { VolueLoaders } from './loaders.js';
import {
  RegisterVolueMeterInput,
  RegisterVolueResourceInput,
  RegisterVolueUserInput,
  RegisterVolueVehicleInput,
  SendVolueReportInput,
  SubscribeVolueEventsInput,
  UpdateVolueWebhookInput,
  VolueEnergyPointInput,
  VolueEvent,
  VolueEventConnection,
  VolueMeter,
  VolueNotification,
  VolueNotificationConnection,
  VolueNotificationType,
  VolueReportReceipt,
  VolueResource,
  VolueUser,
  VolueUserConnection,
  VolueVehicle,
  VolueWebhook,
  VolueWebhookTest,
} from './schema.js';
import type { VolueNotifications } from './webhooks.js';
import type { Store } from '../../shared/store/index.js';
import { IDEMPOTENCY_KEY_ARG, idempotent, stableJson, undefinedIfNotFound } from '../../shared/connector/idempotency.js';

export interface VolueContext {
  client: VolueClient;
  /** Shared between replicas: idempotency records (shared/connector/idempotency.ts). */
  store: Store;
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
const HOUR_MS = 3_600_000;
const USER_ID_ARG = { description: 'Your own id of the Volue user.' };
const EVENT_ID_ARG = { description: 'Volue’s id of the event.' };
const WEBHOOK_ID_ARG = { description: 'Volue’s id of the webhook.' };

function requireId(id: string, what: string): string {
  const trimmed = id.trim();
  if (!trimmed) throw new BadUserInputError(`${what} must not be empty.`, { provider: 'VOLUE', field: 'id' });
  return trimmed;
}

/** Volue's webhook ids are GUIDs: anything else is refused before it reaches a URL path. */
function requireWebhookId(id: string): string {
  const trimmed = id.trim();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(trimmed)) {
    throw new BadUserInputError(`id must be a Volue webhook id (a GUID such as 3f2b…-…), got "${trimmed.slice(0, 60)}".`, {
      provider: 'VOLUE',
      field: 'id',
    });
  }
  return trimmed;
}

/** Registrations name their user: check it exists first, so an unknown user costs no write. */
async function existingUser(loaders: VolueLoaders, userId: string): Promise<string> {
  const id = requireId(userId, 'userId');
  await orNotFound(loaders.userById.load(id), `No Volue user has id ${id}; register it with registerVolueUser first.`);
  return id;
}

/** Hourly points as Volue wants them: UTC, at the start of the hour, yyyy-MM-ddTHH:mm:ss.fffZ. */
function hourlyPoints(points: VolueEnergyPointInput[], where: string): VolueEnergyPoint[] {
  return points.map((point, index) => {
    const ms = point.timestamp.getTime();
    if (ms % HOUR_MS !== 0) {
      throw new BadUserInputError(
        `${where}.points[${index}].timestamp ${point.timestamp.toISOString()} is not on the hour: Volue takes hourly kWh stamped at the start of the hour, UTC (e.g. 2026-01-20T11:00:00Z).`,
        { provider: 'VOLUE', field: `${where}.points[${index}].timestamp` },
      );
    }
    return { timestamp: point.timestamp.toISOString(), kiloWattHours: point.kiloWattHours };
  });
}

@Resolver()
export class VolueQueryResolver {
  @Query(() => VolueUserConnection, { nullable: true, description: 'Users registered with Volue, in Volue’s order.' })
  async volueUsers(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() { client }: VolueContext): Promise<Connection<VolueUser>> {
    const offset = offsetAfter(args.after);
    let total: number | null = null;
    const users = await collectPages(offset, args.first, VOLUE_PAGE_SIZE, async (page, size) => {
      const answer = await client.listUsers(page, size);
      total = answer.pagination.totalRecords;
      return answer.users;
    });
    return toConnection(
      users.map((user) => VolueUser.of(user.userId)),
      offset,
      args.first,
      total,
    );
  }

  @Query(() => VolueUser, { nullable: true, description: 'One Volue user by id; a NOT_FOUND error when there is none.' })
  async volueUser(@Arg('id', () => ID, USER_ID_ARG) id: string, @Ctx() { loaders }: VolueContext): Promise<VolueUser> {
    const user = await orNotFound(loaders.userById.load(requireId(id, 'id')), `No Volue user has id ${id}.`);
    return VolueUser.of(user.userId);
  }

  @Query(() => VolueEventConnection, { nullable: true, description: 'Events Volue has announced to you, newest first.' })
  async volueEvents(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() { client }: VolueContext): Promise<Connection<VolueEvent>> {
    const offset = offsetAfter(args.after);
    let total: number | null = null;
    const events = await collectPages(offset, args.first, VOLUE_PAGE_SIZE, async (page, size) => {
      const answer = await client.listEvents(page, size);
      total = answer.pagination.totalRecords;
      return answer.events;
    });
    return toConnection(events.map(VolueEvent.fromRecord), offset, args.first, total);
  }

  @Query(() => VolueEvent, { nullable: true, description: 'One Volue event by id; a NOT_FOUND error when there is none.' })
  async volueEvent(@Arg('id', () => ID, EVENT_ID_ARG) id: string, @Ctx() { loaders }: VolueContext): Promise<VolueEvent> {
    return VolueEvent.fromRecord(await orNotFound(loaders.eventById.load(requireId(id, 'id')), `No Volue event has id ${id}.`));
  }

  @Query(() => [VolueWebhook], { nullable: true, description: 'Every webhook registered with Volue for your partner account.' })
  async volueWebhooks(@Ctx() { client }: VolueContext): Promise<VolueWebhook[]> {
    return (await client.listWebhooks()).map(VolueWebhook.fromRecord);
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

@Resolver()
export class VolueMutationResolver {
  @RequiresRole('write')
  @Mutation(() => VolueUser, {
    nullable: true,
    description: 'Registers a user with Volue. Idempotent: registering an existing id again succeeds and returns that user.',
  })
  async registerVolueUser(
    @Arg('input', () => RegisterVolueUserInput, { description: 'The user to register.' }) input: RegisterVolueUserInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() { client, store }: VolueContext,
  ): Promise<VolueUser> {
    const userId = requireId(input.userId, 'userId');
    const user = await idempotent({
      store,
      provider: 'VOLUE',
      operation: 'registerVolueUser',
      key: idempotencyKey,
      payload: { userId },
      perform: () => client.registerUser(userId),
      reconcile: () => undefinedIfNotFound(client.getUser(userId)),
    });
    return VolueUser.of(user.userId);
  }

  @RequiresRole('write')
  @Mutation(() => VolueMeter, {
    nullable: true,
    description:
      'Registers a power meter for a user. Idempotent for an identical payload (same meterPointId and fields); a different payload for a registered meterPointId is an UPSTREAM_REJECTED error.',
  })
  async registerVolueMeter(
    @Arg('input', () => RegisterVolueMeterInput, { description: 'The meter to register.' }) input: RegisterVolueMeterInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() { client, loaders, store }: VolueContext,
  ): Promise<VolueMeter> {
    const userId = await existingUser(loaders, input.userId);
    const meter = {
      address: input.address ? { street: input.address.street, city: input.address.city, zipCode: input.address.zipCode } : undefined,
      location: input.location ? { latitude: input.location.latitude, longitude: input.location.longitude } : undefined,
      meterPointId: input.meterPointId.trim(),
      meterNumber: input.meterNumber,
      locationType: input.locationType,
    };
    const record = await idempotent({
      store,
      provider: 'VOLUE',
      operation: 'registerVolueMeter',
      key: idempotencyKey,
      payload: { userId, meter },
      perform: () => client.registerMeter(userId, meter),
      reconcile: async () => (await client.listMeters(userId)).find((m) => m.meterPointId === meter.meterPointId),
    });
    return VolueMeter.fromRecord(record, userId);
  }

  @RequiresRole('write')
  @Mutation(() => VolueVehicle, {
    nullable: true,
    description:
      'Registers an electric vehicle for a user. Idempotent for an identical payload; different data for a registered vehicleId is an error.',
  })
  async registerVolueVehicle(
    @Arg('input', () => RegisterVolueVehicleInput, { description: 'The vehicle to register.' }) input: RegisterVolueVehicleInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() { client, loaders, store }: VolueContext,
  ): Promise<VolueVehicle> {
    const userId = await existingUser(loaders, input.userId);
    const vehicle = {
      vehicleId: input.vehicleId,
      metadata: { resourceType: 'Vehicle' as const, brand: input.brand, model: input.model, year: input.year, vin: input.vin },
    };
    const record = await idempotent({
      store,
      provider: 'VOLUE',
      operation: 'registerVolueVehicle',
      key: idempotencyKey,
      payload: { userId, vehicle },
      perform: () => client.registerVehicle(userId, vehicle),
      reconcile: async () => (await client.listVehicles(userId)).find((v) => v.vehicleId === vehicle.vehicleId),
    });
    return VolueVehicle.fromRecord(record, userId);
  }

  @RequiresRole('write')
  @Mutation(() => VolueResource, {
    nullable: true,
    description:
      'Registers a flexible resource for a user. Idempotent for an identical payload; different data for a registered resourceId is an error.',
  })
  async registerVolueResource(
    @Arg('input', () => RegisterVolueResourceInput, { description: 'The resource to register.' }) input: RegisterVolueResourceInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() { client, loaders, store }: VolueContext,
  ): Promise<VolueResource> {
    const userId = await existingUser(loaders, input.userId);
    const resource = {
      resourceId: input.resourceId,
      metadata: {
        resourceType: input.resourceType,
        brand: input.brand,
        model: input.model,
        capacity: input.capacity,
        heatingElements: input.heatingElements,
      },
    };
    const record = await idempotent({
      store,
      provider: 'VOLUE',
      operation: 'registerVolueResource',
      key: idempotencyKey,
      payload: { userId, resource },
      perform: () => client.registerResource(userId, resource),
      reconcile: async () => (await client.listResources(userId)).find((r) => r.resourceId === resource.resourceId),
    });
    return VolueResource.fromRecord(record, userId);
  }

  @RequiresRole('write')
  @Mutation(() => VolueWebhook, {
    nullable: true,
    description:
      'Subscribes to Volue’s events: creates a webhook that Volue posts signed notifications to (by default this server’s receiver, whose notifications appear in volueNotifications). Not retried.',
  })
  async subscribeVolueEvents(
    @Arg('input', () => SubscribeVolueEventsInput, { description: 'Where to post and which notifications.' })
    input: SubscribeVolueEventsInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() { client, webhooks, store }: VolueContext,
  ): Promise<VolueWebhook> {
    const webhookUrl = input.webhookUrl ?? webhooks.receiverUrl;
    if (!webhookUrl) {
      throw new BadUserInputError(
        'Give input.webhookUrl: this server does not know its own public receiver URL (set VOLUE_WEBHOOK_RECEIVER_URL).',
        {
          provider: 'VOLUE',
          field: 'webhookUrl',
        },
      );
    }
    const webhook = { webhookUrl, name: input.name, notificationTypes: input.notificationTypes };
    const record = await idempotent({
      store,
      provider: 'VOLUE',
      operation: 'subscribeVolueEvents',
      key: idempotencyKey,
      payload: webhook,
      perform: () => client.createWebhook({ ...webhook, webhookSecret: webhooks.secret }),
      // The webhook the lost attempt created: same target, name and notification types.
      reconcile: async () =>
        (await client.listWebhooks()).findLast(
          (w) =>
            w.webhookUrl === webhookUrl &&
            (w.name ?? null) === (webhook.name ?? null) &&
            stableJson([...(w.notificationTypes ?? [])].sort()) === stableJson([...(webhook.notificationTypes ?? [])].sort()),
        ),
    });
    return VolueWebhook.fromRecord(record);
  }

  @RequiresRole('write')
  @Mutation(() => VolueWebhook, { nullable: true, description: 'Changes a webhook and returns it as Volue stored it.' })
  async updateVolueWebhook(
    @Arg('id', () => ID, WEBHOOK_ID_ARG) id: string,
    @Arg('input', () => UpdateVolueWebhookInput, { description: 'The fields to change; omitted fields keep their values.' })
    input: UpdateVolueWebhookInput,
    @Ctx() { client }: VolueContext,
  ): Promise<VolueWebhook> {
    const changes: VolueWebhookInput = {};
    if (input.webhookUrl != null) changes.webhookUrl = input.webhookUrl;
    if (input.name != null) changes.name = input.name;
    if (input.notificationTypes != null) changes.notificationTypes = input.notificationTypes;
    if (input.enabled != null) changes.enabled = input.enabled;
    if (Object.keys(changes).length === 0)
      throw new BadUserInputError('Give at least one field to change.', { provider: 'VOLUE', field: 'input' });
    const record = await orNotFound(client.updateWebhook(requireWebhookId(id), changes), `No Volue webhook has id ${id}.`);
    return VolueWebhook.fromRecord(record);
  }

  @RequiresRole('admin')
  @Mutation(() => Deletion, { nullable: true, description: 'Deletes a webhook; Volue stops posting to it.' })
  async deleteVolueWebhook(@Arg('id', () => ID, WEBHOOK_ID_ARG) id: string, @Ctx() { client }: VolueContext): Promise<Deletion> {
    await orNotFound(client.deleteWebhook(requireWebhookId(id)), `No Volue webhook has id ${id}.`);
    return { id, provider: 'VOLUE', deleted: true };
  }

  @RequiresRole('write')
  @Mutation(() => VolueWebhookTest, {
    nullable: true,
    description: 'Asks Volue to send a test notification to a webhook now, and says how the URL answered.',
  })
  async testVolueWebhook(@Arg('id', () => ID, WEBHOOK_ID_ARG) id: string, @Ctx() { client }: VolueContext): Promise<VolueWebhookTest> {
    const record = await orNotFound(client.testWebhook(requireWebhookId(id)), `No Volue webhook has id ${id}.`);
    const status = record.responseStatusCode ?? null;
    return Object.assign(new VolueWebhookTest(), {
      webhookId: record.webhookId ?? id,
      notificationId: record.notificationId ?? null,
      responseStatusCode: status,
      delivered: status !== null && status >= 200 && status < 300,
    });
  }

  @RequiresRole('write')
  @Mutation(() => VolueReportReceipt, {
    nullable: true,
    description:
      'Sends one report to Volue: EnergyUsage (per resource) and LocationEnergyUsage (per location) payloads of hourly kWh, each point stamped at the start of its hour, UTC. Not retried.',
  })
  async sendVolueReport(
    @Arg('input', () => SendVolueReportInput, { description: 'The report.' }) input: SendVolueReportInput,
    @Ctx() { client }: VolueContext,
  ): Promise<VolueReportReceipt> {
    const payloads: VolueReportPayload[] = [
      ...(input.energyUsage ?? []).map(
        (usage, index): VolueReportPayload => ({
          payloadType: 'EnergyUsage',
          resourceId: usage.resourceId,
          ...(usage.locationId ? { locationId: usage.locationId } : {}),
          ...(usage.meterPointId ? { meterPointId: usage.meterPointId } : {}),
          points: hourlyPoints(usage.points, `energyUsage[${index}]`),
          resolution: VOLUE_REPORT_RESOLUTION,
        }),
      ),
      ...(input.locationEnergyUsage ?? []).map(
        (usage, index): VolueReportPayload => ({
          payloadType: 'LocationEnergyUsage',
          locationId: usage.locationId,
          meterPointId: usage.meterPointId,
          points: hourlyPoints(usage.points, `locationEnergyUsage[${index}]`),
          resolution: VOLUE_REPORT_RESOLUTION,
        }),
      ),
    ];
    if (payloads.length === 0) {
      throw new BadUserInputError('A report needs at least one energyUsage or locationEnergyUsage payload.', {
        provider: 'VOLUE',
        field: 'input',
      });
    }
    const receipt = await client.sendReport({ eventId: input.eventId ?? null, payloads });
    return Object.assign(new VolueReportReceipt(), {
      id: receipt.id,
      eventId: receipt.eventId ?? null,
      createdAt: receipt.createdAt ? new Date(receipt.createdAt) : null,
    });
  }
}

@Resolver(() => VolueUser)
export class VolueUserResolver {
  @FieldResolver(() => [VolueMeter], { nullable: true, description: 'The power meters registered for this user.' })
  async meters(@Root() user: VolueUser, @Ctx() { loaders }: VolueContext): Promise<VolueMeter[]> {
    return (await loaders.metersByUser.load(user.id)).map((record) => VolueMeter.fromRecord(record, user.id));
  }

  @FieldResolver(() => [VolueVehicle], { nullable: true, description: 'The electric vehicles registered for this user.' })
  async vehicles(@Root() user: VolueUser, @Ctx() { loaders }: VolueContext): Promise<VolueVehicle[]> {
    return (await loaders.vehiclesByUser.load(user.id)).map((record) => VolueVehicle.fromRecord(record, user.id));
  }

  @FieldResolver(() => [VolueResource], { nullable: true, description: 'The flexible resources registered for this user.' })
  async resources(@Root() user: VolueUser, @Ctx() { loaders }: VolueContext): Promise<VolueResource[]> {
    return (await loaders.resourcesByUser.load(user.id)).map((record) => VolueResource.fromRecord(record, user.id));
  }
}

@Resolver(() => VolueMeter)
export class VolueMeterResolver {
  @FieldResolver(() => MeteringPoint, {
    description: 'The metering point this meter measures, joining what every provider knows about it.',
  })
  meteringPoint(@Root() meter: VolueMeter): MeteringPoint {
    return new MeteringPoint(meter.meterPointId ?? '');
  }

  @FieldResolver(() => VolueUser, { description: 'The user the meter is registered for.' })
  user(@Root() meter: VolueMeter): VolueUser {
    return VolueUser.of(meter.userId);
  }
}

@Resolver(() => MeteringPoint)
export class VolueMeteringPointResolver {
  @FieldResolver(() => [VolueMeter], {
    nullable: true,
    description:
      'Volue meters registered with this metering point id: one per user who registered it (empty when none; null, with a coded error, when Volue is failing).',
  })
  async volueMeters(@Root() point: MeteringPoint, @Ctx() { loaders }: VolueContext): Promise<VolueMeter[]> {
    return (await loaders.metersByPointId.load(point.id)).map((record) => VolueMeter.fromRecord(record, record.userId ?? ''));
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
