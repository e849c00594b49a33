import { isDeepStrictEqual } from 'node:util';
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { RequiresRole } from '../../shared/graph/role-directive.js';
import { IDEMPOTENCY_KEY_ARG, idempotent, stableJson, undefinedIfNotFound } from '../../shared/connector/idempotency.js';
import { BadUserInputError, orNotFound } from '../../shared/graph/errors.js';
import { Deletion } from '../../shared/graph/index.js';
import { differingFields } from './client.js';
import {
  VOLUE_REPORT_RESOLUTION,
  type VolueEnergyPoint,
  type VolueLocationInput,
  type VolueLocationRecord,
  type VolueLocationPatch,
  type VolueReportPayload,
  type VolueResourceRecord,
  type VolueWebhookInput,
} from './contract.js';
import { givenFields, type KeptLocationFields, type KeptResourceFields } from './kept-fields.js';
import type { VolueLoaders } from './loaders.js';
import { locationOf, requireId, requireWebhookId, resourceOf, type VolueContext } from './resolvers.js';
import {
  RegisterVolueLocationInput,
  RegisterVolueLocationResourceInput,
  RegisterVolueLocationsInput,
  RegisterVolueMeterInput,
  RegisterVolueResourceInput,
  RegisterVolueUserInput,
  RegisterVolueUsersInput,
  RegisterVolueVehicleInput,
  RegisterVolueVehicleResourceInput,
  SendVolueReportInput,
  SubscribeVolueEventsInput,
  UpdateVolueLocationInput,
  UpdateVolueWebhookInput,
  VolueEnrollment,
  VolueFlexibilityPointInput,
  VolueLocation,
  VolueLocationFieldsInput,
  VolueLocationType,
  VolueMeter,
  VolueReportReceipt,
  VolueResource,
  VolueResourceType,
  VolueUser,
  VolueVehicle,
  VolueWebhook,
  VolueWebhookTest,
} from './schema/index.js';

const HOUR_MS = 3_600_000;
const WEBHOOK_ID_ARG = { description: 'Volue’s id of the webhook.' };
const USER_ID_ARG = { description: 'Your own id of the Volue user.' };

/** Registrations name their user: check it exists first, so an unknown user costs no write. */
async function existingUser(loaders: VolueLoaders, userId: string): Promise<string> {
  const id = requireId(userId, 'userId');
  await orNotFound(loaders.userById.load(id), `No Volue user has id ${id}; register it with registerVolueUser first.`);
  return id;
}

/** Points as Volue wants them: UTC, at the start of the hour, yyyy-MM-ddTHH:mm:ss.fffZ. */
function hourlyPoints(points: Array<{ timestamp: Date; kiloWattHours: number }>, where: string): VolueEnergyPoint[] {
  return points.map((point, index) => {
    const ms = point.timestamp.getTime();
    if (ms % HOUR_MS !== 0) {
      throw new BadUserInputError(
        `${where}[${index}].timestamp ${point.timestamp.toISOString()} is not on the hour: Volue takes hourly kWh stamped at the start of the hour, UTC (e.g. 2026-01-20T11:00:00Z).`,
        { provider: 'VOLUE', field: `${where}[${index}].timestamp` },
      );
    }
    return { timestamp: point.timestamp.toISOString(), kiloWattHours: point.kiloWattHours };
  });
}

/** A location request with Volue's defaults filled in, so that a repeat compares equal to the stored location. */
function locationRequest(locationId: string, fields: VolueLocationFieldsInput): VolueLocationInput {
  return {
    locationId,
    locationType: fields.locationType ?? VolueLocationType.UNKNOWN,
    ...(fields.coordinates ? { coordinates: { latitude: fields.coordinates.latitude, longitude: fields.coordinates.longitude } } : {}),
    meterPointIds: (fields.meterPointIds ?? []).map((id) => id.trim()),
  };
}

function keptLocationFields(fields: { address?: KeptLocationFields['address']; meterNumber?: string }): KeptLocationFields {
  return givenFields<KeptLocationFields>({
    address: fields.address
      ? givenFields({ street: fields.address.street, city: fields.address.city, zipCode: fields.address.zipCode })
      : undefined,
    meterNumber: fields.meterNumber,
  });
}

function keptResourceFields(fields: KeptResourceFields): KeptResourceFields {
  return givenFields<KeptResourceFields>({ ...fields });
}

/**
 * Keeps the fields Volue has no place for beside a registered object. A repeated registration (the
 * object existed) must state what is kept, or nothing: different values are refused, naming them.
 */
async function keep<T extends object>(existing: T | undefined, given: T, what: string, write: () => Promise<void>): Promise<void> {
  if (existing === undefined) {
    if (Object.keys(given).length > 0) await write();
    return;
  }
  if (Object.keys(given).length === 0 || isDeepStrictEqual(existing, given)) return;
  const differing = differingFields(given as Record<string, unknown>, existing as Record<string, unknown>);
  throw new BadUserInputError(
    `${what} is registered already with other details (${differing.join(', ')} differ). Registration is idempotent only for identical details.`,
    { provider: 'VOLUE', field: 'input', differingFields: differing },
  );
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
  @Mutation(() => [VolueUser], {
    nullable: true,
    description: 'Registers many users in one call to Volue: all or none (one existing or bad id refuses the batch). Not retried.',
  })
  async registerVolueUsers(
    @Arg('input', () => RegisterVolueUsersInput, { description: 'The users to register.' }) input: RegisterVolueUsersInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() { client, store }: VolueContext,
  ): Promise<VolueUser[]> {
    const userIds = input.users.map((user) => requireId(user.userId, 'userId'));
    const users = await idempotent({
      store,
      provider: 'VOLUE',
      operation: 'registerVolueUsers',
      key: idempotencyKey,
      payload: { userIds },
      perform: () => client.registerUsers(userIds),
      // The lost attempt committed the batch when every user is there (Volue's batch is all or none).
      reconcile: async () => {
        const found = await Promise.all(userIds.map((userId) => undefinedIfNotFound(client.getUser(userId))));
        return found.every(Boolean) ? (found as Array<{ userId: string }>) : undefined;
      },
    });
    return users.map((user) => VolueUser.of(user.userId));
  }

  @RequiresRole('write')
  @Mutation(() => VolueLocation, {
    nullable: true,
    description:
      'Registers a location (site) for a user. Idempotent for an identical payload; different data for a registered locationId is an UPSTREAM_REJECTED error naming the fields.',
  })
  async registerVolueLocation(
    @Arg('input', () => RegisterVolueLocationInput, { description: 'The location to register.' }) input: RegisterVolueLocationInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() context: VolueContext,
  ): Promise<VolueLocation> {
    const userId = await existingUser(context.loaders, input.userId);
    return this.registerLocation(
      context,
      userId,
      locationRequest(input.locationId, input),
      keptLocationFields(input),
      idempotencyKey,
      'registerVolueLocation',
    );
  }

  @RequiresRole('write')
  @Mutation(() => [VolueLocation], {
    nullable: true,
    description: 'Registers locations of any users in one call to Volue: all or none. Not retried.',
  })
  async registerVolueLocations(
    @Arg('input', () => RegisterVolueLocationsInput, { description: 'The locations to register.' }) input: RegisterVolueLocationsInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() { client, store, kept, loaders }: VolueContext,
  ): Promise<VolueLocation[]> {
    const locations = input.locations.map((location) => ({
      ...locationRequest(location.locationId, location),
      userId: requireId(location.userId, 'userId'),
    }));
    const records = await idempotent({
      store,
      provider: 'VOLUE',
      operation: 'registerVolueLocations',
      key: idempotencyKey,
      payload: { locations },
      perform: () => client.registerLocations(locations),
      reconcile: async () => {
        const found = await Promise.all(
          locations.map((location) => undefinedIfNotFound(client.getLocation(location.userId, location.locationId))),
        );
        return found.every(Boolean) ? (found as VolueLocationRecord[]) : undefined;
      },
    });
    await Promise.all(
      input.locations.map((location, index) => {
        const fields = keptLocationFields(location);
        return Object.keys(fields).length > 0 ? kept.setLocation(locations[index]!.userId, location.locationId, fields) : undefined;
      }),
    );
    return Promise.all(records.map((record, index) => locationOf(record, locations[index]!.userId, loaders)));
  }

  @RequiresRole('write')
  @Mutation(() => VolueLocation, {
    nullable: true,
    description: 'Changes a location: the fields given, the others keep their values. Returns it as stored.',
  })
  async updateVolueLocation(
    @Arg('input', () => UpdateVolueLocationInput, { description: 'The location and the fields to change.' })
    input: UpdateVolueLocationInput,
    @Ctx() { client, kept, loaders }: VolueContext,
  ): Promise<VolueLocation> {
    const userId = requireId(input.userId, 'userId');
    const locationId = requireId(input.locationId, 'locationId');
    const changes: VolueLocationPatch = givenFields<VolueLocationPatch>({
      locationType: input.locationType,
      coordinates: input.coordinates ? { latitude: input.coordinates.latitude, longitude: input.coordinates.longitude } : undefined,
      meterPointIds: input.meterPointIds?.map((id) => id.trim()),
    });
    const keptChanges = keptLocationFields(input);
    if (Object.keys(changes).length === 0 && Object.keys(keptChanges).length === 0)
      throw new BadUserInputError('Give at least one field to change.', { provider: 'VOLUE', field: 'input' });
    // Read first: an unknown user or location costs no write.
    let record = await orNotFound(client.getLocation(userId, locationId), `User ${userId} has no Volue location ${locationId}.`);
    if (Object.keys(changes).length > 0) record = await client.updateLocation(userId, locationId, changes);
    if (Object.keys(keptChanges).length > 0) {
      const before = await loaders.kept.location.load({ userId, locationId });
      await kept.setLocation(userId, locationId, { ...before, ...keptChanges });
      loaders.kept.location.clear({ userId, locationId });
    }
    return locationOf(record, userId, loaders);
  }

  @RequiresRole('admin')
  @Mutation(() => Deletion, {
    nullable: true,
    description: 'Deletes a location with the resources bound to it (and what Gridgraph kept for them).',
  })
  async deleteVolueLocation(
    @Arg('userId', () => ID, USER_ID_ARG) userId: string,
    @Arg('locationId', () => ID, { description: 'Your own id of the location.' }) locationId: string,
    @Ctx() { client, kept }: VolueContext,
  ): Promise<Deletion> {
    const [user, location] = [requireId(userId, 'userId'), requireId(locationId, 'locationId')];
    const notFound = `User ${user} has no Volue location ${location}.`;
    const bound = await orNotFound(client.listLocationResources(user, location), notFound);
    await orNotFound(client.deleteLocation(user, location), notFound);
    await Promise.all([kept.deleteLocation(user, location), ...bound.map((resource) => kept.deleteResource(resource.resourceId))]);
    return { id: location, provider: 'VOLUE', deleted: true };
  }

  @RequiresRole('write')
  @Mutation(() => VolueResource, {
    nullable: true,
    description: 'Registers an electric vehicle for a user (a resource of type VEHICLE, bound to the user). Idempotent for identical data.',
  })
  async registerVolueVehicleResource(
    @Arg('input', () => RegisterVolueVehicleResourceInput, { description: 'The vehicle to register.' })
    input: RegisterVolueVehicleResourceInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() context: VolueContext,
  ): Promise<VolueResource> {
    const userId = await existingUser(context.loaders, input.userId);
    const details = keptResourceFields({ brand: input.brand, model: input.model, year: input.year, vin: input.vin });
    return this.registerResource(
      context,
      { userId, resourceId: input.resourceId },
      details,
      idempotencyKey,
      'registerVolueVehicleResource',
      () => context.client.registerVehicle(userId, input.resourceId),
    );
  }

  @RequiresRole('write')
  @Mutation(() => VolueResource, {
    nullable: true,
    description: 'Registers a flexible device at one of a user’s locations. Idempotent for identical data.',
  })
  async registerVolueLocationResource(
    @Arg('input', () => RegisterVolueLocationResourceInput, { description: 'The resource to register.' })
    input: RegisterVolueLocationResourceInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() context: VolueContext,
  ): Promise<VolueResource> {
    const userId = await existingUser(context.loaders, input.userId);
    const details = keptResourceFields({
      brand: input.brand,
      model: input.model,
      capacity: input.capacity,
      heatingElements: input.heatingElements,
    });
    const locationId = requireId(input.locationId, 'locationId');
    const resource = { resourceId: input.resourceId, resourceType: input.resourceType, meterPointId: input.meterPointId ?? null };
    return this.registerResource(
      context,
      { userId, locationId, ...resource },
      details,
      idempotencyKey,
      'registerVolueLocationResource',
      () =>
        orNotFound(
          context.client.registerLocationResource(userId, locationId, resource),
          `User ${userId} has no Volue location ${locationId}.`,
        ),
    );
  }

  @RequiresRole('admin')
  @Mutation(() => Deletion, {
    nullable: true,
    description: 'Deletes a resource (a vehicle or a location-bound device) and what Gridgraph kept for it.',
  })
  async deleteVolueResource(
    @Arg('id', () => ID, { description: 'Your own id of the resource.' }) id: string,
    @Ctx() { client, kept, loaders }: VolueContext,
  ): Promise<Deletion> {
    const resourceId = requireId(id, 'id');
    await orNotFound(loaders.resourceById.load(resourceId), `No Volue resource has id ${resourceId}.`); // an unknown one costs no write
    await orNotFound(client.deleteResource(resourceId), `No Volue resource has id ${resourceId}.`);
    await kept.deleteResource(resourceId);
    return { id: resourceId, provider: 'VOLUE', deleted: true };
  }

  @RequiresRole('admin')
  @Mutation(() => Deletion, {
    nullable: true,
    description: 'Deletes a user with their locations and resources (and what Gridgraph kept for them).',
  })
  async deleteVolueUser(@Arg('id', () => ID, USER_ID_ARG) id: string, @Ctx() { client, kept, loaders }: VolueContext): Promise<Deletion> {
    const userId = await existingUser(loaders, id);
    const notFound = `No Volue user has id ${userId}.`;
    const [locations, resources] = await Promise.all([
      orNotFound(client.listLocations(userId), notFound),
      orNotFound(client.listUserResources(userId), notFound),
    ]);
    await orNotFound(client.deleteUser(userId), notFound);
    await Promise.all([
      ...locations.map((location) => kept.deleteLocation(userId, location.locationId)),
      ...resources.map((resource) => kept.deleteResource(resource.resourceId)),
    ]);
    return { id: userId, provider: 'VOLUE', deleted: true };
  }

  @RequiresRole('write')
  @Mutation(() => VolueEnrollment, {
    nullable: true,
    description:
      'Enrolls a user in Volue’s flexibility programme (needs a location with a metering point). Enrolling again returns the enrollment.',
  })
  async enrollVolueUser(
    @Arg('userId', () => ID, USER_ID_ARG) userId: string,
    @Ctx() { client, loaders }: VolueContext,
  ): Promise<VolueEnrollment> {
    const id = await existingUser(loaders, userId);
    return VolueEnrollment.of(await orNotFound(client.enroll(id), `No Volue user has id ${id}.`));
  }

  @RequiresRole('admin')
  @Mutation(() => VolueEnrollment, { nullable: true, description: 'Ends a user’s enrollment; returns the enrollment as it is now.' })
  async unenrollVolueUser(
    @Arg('userId', () => ID, USER_ID_ARG) userId: string,
    @Ctx() { client, loaders }: VolueContext,
  ): Promise<VolueEnrollment> {
    const id = await existingUser(loaders, userId);
    await orNotFound(client.unenroll(id), `No Volue user has id ${id}.`);
    return VolueEnrollment.of(await client.getEnrollment(id));
  }

  @RequiresRole('write')
  @Mutation(() => VolueMeter, {
    nullable: true,
    description:
      'The seed’s meter registration: registers a location whose id is the meter point id, with that one meter point; the address and meter number are kept by Gridgraph.',
    deprecationReason: 'Use registerVolueLocation.',
  })
  async registerVolueMeter(
    @Arg('input', () => RegisterVolueMeterInput, { description: 'The meter to register.' }) input: RegisterVolueMeterInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() context: VolueContext,
  ): Promise<VolueMeter> {
    const userId = await existingUser(context.loaders, input.userId);
    const meterPointId = input.meterPointId.trim();
    const request = locationRequest(meterPointId, {
      locationType: input.locationType,
      coordinates: input.location,
      meterPointIds: [meterPointId],
    });
    return VolueMeter.of(
      await this.registerLocation(context, userId, request, keptLocationFields(input), idempotencyKey, 'registerVolueMeter'),
    );
  }

  @RequiresRole('write')
  @Mutation(() => VolueVehicle, {
    nullable: true,
    description: 'The seed’s vehicle registration: registers a VEHICLE resource; brand, model, year and VIN are kept by Gridgraph.',
    deprecationReason: 'Use registerVolueVehicleResource.',
  })
  async registerVolueVehicle(
    @Arg('input', () => RegisterVolueVehicleInput, { description: 'The vehicle to register.' }) input: RegisterVolueVehicleInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() context: VolueContext,
  ): Promise<VolueVehicle> {
    const { vehicleId, ...details } = input;
    return VolueVehicle.of(
      await this.registerVolueVehicleResource(
        Object.assign(new RegisterVolueVehicleResourceInput(), details, { resourceId: vehicleId }),
        idempotencyKey,
        context,
      ),
    );
  }

  @RequiresRole('write')
  @Mutation(() => VolueResource, {
    nullable: true,
    description:
      'The seed’s resource registration: a VEHICLE is registered as a vehicle; any other type is bound to the given location, or to the user’s only location. Brand, model, capacity and heating elements are kept by Gridgraph.',
    deprecationReason: 'Use registerVolueLocationResource (or registerVolueVehicleResource for a vehicle).',
  })
  async registerVolueResource(
    @Arg('input', () => RegisterVolueResourceInput, { description: 'The resource to register.' }) input: RegisterVolueResourceInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() context: VolueContext,
  ): Promise<VolueResource> {
    const userId = await existingUser(context.loaders, input.userId);
    const { locationId: givenLocation, ...fields } = input;
    if (input.resourceType === VolueResourceType.VEHICLE) {
      const details = keptResourceFields({
        brand: input.brand,
        model: input.model,
        capacity: input.capacity,
        heatingElements: input.heatingElements,
      });
      return this.registerResource(
        context,
        { userId, resourceId: input.resourceId },
        details,
        idempotencyKey,
        'registerVolueResource',
        () => context.client.registerVehicle(userId, input.resourceId),
      );
    }
    const locationId = givenLocation ?? (await this.onlyLocation(context, userId));
    return this.registerVolueLocationResource(
      Object.assign(new RegisterVolueLocationResourceInput(), fields, { userId, locationId }),
      idempotencyKey,
      context,
    );
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
    const changes = givenFields<VolueWebhookInput>({
      webhookUrl: input.webhookUrl,
      name: input.name,
      notificationTypes: input.notificationTypes,
      enabled: input.enabled,
    });
    if (Object.keys(changes).length === 0)
      throw new BadUserInputError('Give at least one field to change.', { provider: 'VOLUE', field: 'input' });
    const record = await orNotFound(client.updateWebhook(requireWebhookId(id), changes), `No Volue webhook has id ${id}.`);
    return VolueWebhook.fromRecord(record);
  }

  @RequiresRole('write')
  @Mutation(() => VolueWebhook, {
    nullable: true,
    description: 'Pauses (false) or resumes (true) Volue’s deliveries to a webhook; returns the webhook.',
  })
  async setVolueWebhookEnabled(
    @Arg('id', () => ID, WEBHOOK_ID_ARG) id: string,
    @Arg('enabled', () => Boolean, { description: 'True to deliver, false to pause.' }) enabled: boolean,
    @Ctx() { client }: VolueContext,
  ): Promise<VolueWebhook> {
    const webhookId = requireWebhookId(id);
    await orNotFound(client.setWebhookEnabled(webhookId, enabled), `No Volue webhook has id ${id}.`);
    return VolueWebhook.fromRecord(await client.getWebhook(webhookId));
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
    description:
      'Has Volue’s sandbox simulate a UserEligibility event (delivered to every enabled webhook that takes it) and reports this webhook’s delivery from Volue’s log. The current API has no test route of its own.',
    deprecationReason: 'Use volueWebhookDeliveries (or VolueWebhook.deliveries) to see how deliveries went.',
  })
  async testVolueWebhook(@Arg('id', () => ID, WEBHOOK_ID_ARG) id: string, @Ctx() { client }: VolueContext): Promise<VolueWebhookTest> {
    const webhookId = requireWebhookId(id);
    await orNotFound(client.getWebhook(webhookId), `No Volue webhook has id ${id}.`);
    const event = await client.simulateUserEligibility();
    const { webhookNotificationLogs } = await client.listWebhookLogs(webhookId, 1, 10);
    const delivery = webhookNotificationLogs.find((log) => log.partnerEventId === event.id);
    const status = delivery?.responseStatusCode ?? null;
    return Object.assign(new VolueWebhookTest(), {
      webhookId,
      notificationId: delivery?.notificationId ?? null,
      responseStatusCode: status,
      delivered: status !== null && status >= 200 && status < 300,
    });
  }

  @RequiresRole('write')
  @Mutation(() => VolueReportReceipt, {
    nullable: true,
    description:
      'Sends one report to Volue with payloads of any of the five types (EnergyUsage, LocationEnergyUsage, LocationEnergyUsagePlan and the two LPC acknowledgements); energy points hourly, each stamped at the start of its hour, UTC. Not retried.',
  })
  async sendVolueReport(
    @Arg('input', () => SendVolueReportInput, { description: 'The report.' }) input: SendVolueReportInput,
    @Ctx() { client }: VolueContext,
  ): Promise<VolueReportReceipt> {
    const resolution = VOLUE_REPORT_RESOLUTION;
    const payloads: VolueReportPayload[] = [
      ...(input.energyUsage ?? []).map(
        (usage, index): VolueReportPayload => ({
          payloadType: 'EnergyUsage',
          resourceId: usage.resourceId,
          ...givenFields({ locationId: usage.locationId, meterPointId: usage.meterPointId }),
          points: hourlyPoints(usage.points, `energyUsage[${index}].points`),
          resolution,
        }),
      ),
      ...(input.locationEnergyUsage ?? []).map(
        (usage, index): VolueReportPayload => ({
          payloadType: 'LocationEnergyUsage',
          locationId: usage.locationId,
          meterPointId: usage.meterPointId,
          points: hourlyPoints(usage.points, `locationEnergyUsage[${index}].points`),
          resolution,
        }),
      ),
      ...(input.locationEnergyUsagePlan ?? []).map(
        (plan, index): VolueReportPayload => ({
          payloadType: 'LocationEnergyUsagePlan',
          locationId: plan.locationId,
          meterPointId: plan.meterPointId,
          resolution,
          baseline: hourlyPoints(plan.baseline, `locationEnergyUsagePlan[${index}].baseline`),
          flexibility: hourlyPoints(plan.flexibility as VolueFlexibilityPointInput[], `locationEnergyUsagePlan[${index}].flexibility`),
        }),
      ),
      ...(input.locationLpcAcknowledgements ?? []).map(
        (ack): VolueReportPayload => ({
          payloadType: 'LocationLPCAcknowledgement',
          acknowledgedTargets: ack.acknowledged.map(({ locationId, meterPointId }) => ({ locationId, meterPointId })),
          declinedTargets: ack.declined.map(({ locationId, meterPointId }) => ({ locationId, meterPointId })),
        }),
      ),
      ...(input.resourceLpcAcknowledgements ?? []).map(
        (ack): VolueReportPayload => ({
          payloadType: 'ResourceLPCAcknowledgement',
          acknowledgedTargets: ack.acknowledged.map(({ resourceId, locationId, meterPointId }) => ({
            resourceId,
            locationId,
            meterPointId,
          })),
          declinedTargets: ack.declined.map(({ resourceId, locationId, meterPointId }) => ({ resourceId, locationId, meterPointId })),
        }),
      ),
    ];
    if (payloads.length === 0) throw new BadUserInputError('A report needs at least one payload.', { provider: 'VOLUE', field: 'input' });
    return VolueReportReceipt.fromRecord(await client.sendReport({ eventId: input.eventId ?? null, payloads }));
  }

  /** Registers a location (idempotent at Volue on 409) and keeps the fields Volue has no place for. */
  private async registerLocation(
    { client, store, kept, loaders }: VolueContext,
    userId: string,
    request: VolueLocationInput,
    keptFields: KeptLocationFields,
    idempotencyKey: string | null,
    operation: string,
  ): Promise<VolueLocation> {
    const record = await idempotent({
      store,
      provider: 'VOLUE',
      operation,
      key: idempotencyKey,
      payload: { userId, request, keptFields },
      perform: () => client.registerLocation(userId, request),
      reconcile: () => undefinedIfNotFound(client.getLocation(userId, request.locationId)),
    });
    const locationKey = { userId, locationId: request.locationId };
    await keep(await loaders.kept.location.load(locationKey), keptFields, `Location ${request.locationId}`, () =>
      kept.setLocation(userId, request.locationId, keptFields),
    );
    loaders.kept.location.clear(locationKey);
    return locationOf(record, userId, loaders);
  }

  /** Registers a resource (idempotent at Volue by read-back) and keeps the details Volue has no place for. */
  private async registerResource(
    { store, kept, loaders, client }: VolueContext,
    registration: { userId: string; resourceId: string; locationId?: string },
    details: KeptResourceFields,
    idempotencyKey: string | null,
    operation: string,
    register: () => Promise<VolueResourceRecord>,
  ): Promise<VolueResource> {
    const { resourceId } = registration;
    const record = await idempotent({
      store,
      provider: 'VOLUE',
      operation,
      key: idempotencyKey,
      payload: { registration, details },
      perform: register,
      reconcile: () => undefinedIfNotFound(client.getResource(resourceId)),
    });
    await keep(await loaders.kept.resource.load(resourceId), details, `Resource ${resourceId}`, () =>
      kept.setResource(resourceId, details),
    );
    loaders.kept.resource.clear(resourceId);
    return resourceOf(record, loaders);
  }

  /** The seed's resources name no location: the user's only one, or a clear error. */
  private async onlyLocation({ loaders }: VolueContext, userId: string): Promise<string> {
    const locations = await loaders.locationsByUser.load(userId);
    if (locations.length === 1) return locations[0]!.locationId;
    throw new BadUserInputError(
      locations.length === 0
        ? `User ${userId} has no location to bind the resource to: register one first (registerVolueLocation, or registerVolueMeter).`
        : `User ${userId} has ${locations.length} locations: give input.locationId (one of ${locations.map((l) => l.locationId).join(', ')}).`,
      { provider: 'VOLUE', field: 'locationId' },
    );
  }
}
