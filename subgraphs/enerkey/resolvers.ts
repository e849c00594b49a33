import { DateTimeScalar } from '../../shared/time/date-time-scalar.js';
import { DateTime } from 'luxon';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { BadUserInputError, NotFoundError, orNotFound } from '../../shared/graph/errors.js';
import { RequiresRole } from '../../shared/graph/role-directive.js';
import { type Connection, ConnectionArgs, MeteringPoint, connectionOf, offsetAfter, toConnection } from '../../shared/graph/index.js';
import { EnergyUnit, ReadingRange, TimeSeries, type TimeSeriesReader, type TimeSeriesResult } from '../../shared/time/index.js';
import type { EnerkeyClient, EnerkeyFile, EnerkeyPage, EnerkeyPageRequest, EnerkeyValue } from './client.js';
import {
  DAY_MS,
  ENERKEY_MAX_MONTHLY_DAYS,
  ENERKEY_MAX_PAGE_SIZE,
  type EnerkeyMeterRecord,
  type EnerkeyProvisioningMeter,
  type EnerkeyValuesKind,
} from './contract.js';
import { ENERKEY_ID, type EnerkeyLoaders } from './loaders.js';
import type { EnerkeyEnergyMeter } from './readings.js';
import {
  EnerkeyAction,
  EnerkeyActionConnection,
  EnerkeyAlarm,
  EnerkeyFacility,
  EnerkeyFacilityConnection,
  EnerkeyHourlyValueInput,
  EnerkeyImage,
  EnerkeyImageFormat,
  EnerkeyImageLayout,
  EnerkeyMeter,
  EnerkeyMeterConnection,
  EnerkeyMeterType,
  EnerkeyMonthlySeries,
  EnerkeyMonthlyValue,
  EnerkeyProvisioningAcceptance,
  EnerkeyProvisioningCustomerInput,
  EnerkeyProvisioningCustomersResult,
  EnerkeyProvisioningDataInput,
  type EnerkeyProvisioningMeterInput,
  EnerkeyProvisioningStatus,
  EnerkeyPushResult,
  EnerkeyQuantity,
  UpdateEnerkeyActionInput,
} from './schema.js';
import type { Store } from '../../shared/store/index.js';
import { IDEMPOTENCY_KEY_ARG, idempotent } from '../../shared/connector/idempotency.js';
import type { MeteringPointLookup } from '../../shared/subgraph/metering-point-mapping.js';

export interface EnerkeyContext {
  client: EnerkeyClient;
  /** Shared between replicas: idempotency records (shared/connector/idempotency.ts). */
  store: Store;
  loaders: EnerkeyLoaders;
  /** The time-series pipeline over readings.ts, for this request. */
  readings: TimeSeriesReader<EnerkeyEnergyMeter>;
  /** The metering-point mapping, for meters EnerKey records no metering point id for. */
  meteringPoints: MeteringPointLookup;
}

const ENERGY_UNITS: Record<string, EnergyUnit> = { kWh: EnergyUnit.KWH, MWh: EnergyUnit.MWH, Wh: EnergyUnit.WH };
/** More values than an hour-by-hour push of 365 days could need, with room for several per hour. */
const MAX_PUSH_VALUES = 50_000;
const HEX_COLOR = /^#?[0-9a-fA-F]{6}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const FACILITY_ID_ARG = { description: 'EnerKey’s id of the facility (a whole number).' };
const METER_ID_ARG = { description: 'EnerKey’s id of the meter (a whole number).' };
const ACTION_ID_ARG = { description: 'EnerKey’s id of the action (a whole number).' };
const MONTHS_FROM_ARG = { description: 'Start (inclusive); moved back to the 1st of its month, 00:00 at utcOffset.' };
const MONTHS_TO_ARG = { description: 'End (exclusive); moved forward to the next 1st of a month, 00:00 at utcOffset.' };
const UTC_OFFSET_ARG = {
  defaultValue: 'Z',
  description:
    'The UTC offset months are cut at and EnerKey is asked in: "Z" (UTC) or e.g. "+02:00". EnerKey knows offsets, not time zones, so a month across a daylight-saving change is cut at this one offset.',
};
const UTC_OFFSET = /^(Z|[+-](0\d|1[0-4]):[0-5]\d)$/;

/** One page of a list EnerKey pages: the items asked (and one more, to learn whether more follow) and the count. */
async function pageOf<Record, Node>(
  args: ConnectionArgs,
  fetchPage: (page: EnerkeyPageRequest) => Promise<EnerkeyPage<Record>>,
  toNode: (record: Record) => Node,
): Promise<Connection<Node>> {
  const offset = offsetAfter(args.after);
  // `first` is at most 100, as is EnerKey's page: one call, or two when the extra item starts the next page.
  const first = await fetchPage({ skip: offset, take: Math.min(args.first + 1, ENERKEY_MAX_PAGE_SIZE) });
  let items = first.items;
  if (items.length === ENERKEY_MAX_PAGE_SIZE && args.first + 1 > ENERKEY_MAX_PAGE_SIZE) {
    items = items.concat((await fetchPage({ skip: offset + ENERKEY_MAX_PAGE_SIZE, take: 1 })).items);
  }
  return toConnection(items.map(toNode), offset, args.first, first.totalCount);
}

/** A PNG or PDF from EnerKey as the graph returns it: inline, as a data: URL. */
function imageOf(format: EnerkeyImageFormat, file: EnerkeyFile): EnerkeyImage {
  return Object.assign(new EnerkeyImage(), {
    format,
    mimeType: file.mimeType,
    byteSize: file.bytes.length,
    dataUrl: `data:${file.mimeType};base64,${file.bytes.toString('base64')}`,
  });
}

/** EnerKey ids are whole numbers: anything else is refused before it costs a call. */
function enerkeyId(id: string, what: string, field = 'id'): number {
  const trimmed = String(id).trim();
  if (!ENERKEY_ID.test(trimmed)) {
    throw new BadUserInputError(`"${id}" is not an EnerKey ${what} id (a whole number).`, { provider: 'ENERKEY', field });
  }
  return Number(trimmed);
}

function loadMeter(loaders: EnerkeyLoaders, id: string, field = 'meterId') {
  const meterId = enerkeyId(id, 'meter', field);
  return orNotFound(loaders.meterById.load(meterId), `No EnerKey meter has id ${meterId}.`);
}

/** A meter by id (the metering-point mapping's meter id), or NOT_FOUND; a non-number is BAD_USER_INPUT, uncalled. */
export function findEnerkeyMeter(loaders: EnerkeyLoaders, id: string): Promise<EnerkeyMeterRecord> {
  return loadMeter(loaders, id);
}

@Resolver()
export class EnerkeyQueryResolver {
  @Query(() => EnerkeyFacilityConnection, {
    nullable: true,
    description: 'EnerKey facilities of the profile: all of them, or those with the given ids.',
  })
  async enerkeyFacilities(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('ids', () => [ID], { nullable: true, description: 'Only these facilities (EnerKey ids); unknown ids are left out.' })
    ids: string[] | null,
    @Ctx() { client, loaders }: EnerkeyContext,
  ): Promise<Connection<EnerkeyFacility>> {
    const wanted = ids?.map((id) => enerkeyId(id, 'facility', 'ids'));
    return pageOf(
      args,
      (page) => loaders.facilityPage({ ids: wanted, page }),
      (record) => {
        loaders.facilityById.prime(record.id, record);
        return EnerkeyFacility.fromRecord(record);
      },
    );
  }

  @Query(() => EnerkeyFacility, { nullable: true, description: 'One EnerKey facility by id; a NOT_FOUND error when there is none.' })
  async enerkeyFacility(@Arg('id', () => ID, FACILITY_ID_ARG) id: string, @Ctx() { loaders }: EnerkeyContext): Promise<EnerkeyFacility> {
    return EnerkeyFacility.fromRecord(await loaders.facilityById.load(enerkeyId(id, 'facility')));
  }

  @Query(() => EnerkeyMeterConnection, {
    nullable: true,
    description:
      'EnerKey meters: those of the given facilities, or with a metering point id; with neither, every meter of every facility (two EnerKey calls).',
  })
  async enerkeyMeters(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('facilityIds', () => [ID], { nullable: true, description: 'Only meters of these facilities.' }) facilityIds: string[] | null,
    @Arg('meteringPointId', () => String, { nullable: true, description: 'Only meters with this metering point id (EAN, MPAN, …).' })
    meteringPointId: string | null,
    @Ctx() { client, loaders }: EnerkeyContext,
  ): Promise<Connection<EnerkeyMeter>> {
    let facilities = facilityIds?.map((id) => enerkeyId(id, 'facility', 'facilityIds'));
    const point = meteringPointId?.trim() || undefined;
    // As EnerKey advises: all facilities first (every page of them), then their meters, so new meters are in and removed ones out.
    if (!facilities?.length && !point) {
      facilities = [];
      for (let skip = 0; ; skip += ENERKEY_MAX_PAGE_SIZE) {
        const page = await loaders.facilityPage({ page: { skip, take: ENERKEY_MAX_PAGE_SIZE } });
        facilities.push(...page.items.map((f) => f.id));
        if (page.items.length < ENERKEY_MAX_PAGE_SIZE) break;
      }
    }
    if (facilities?.length === 0) return connectionOf([], args);
    return pageOf(
      args,
      (page) => loaders.meterPage({ filter: { facilityIds: facilities, meteringPointIds: point ? [point] : undefined }, page }),
      (record) => {
        loaders.meterById.prime(record.id, record);
        return EnerkeyMeter.fromRecord(record);
      },
    );
  }

  @Query(() => EnerkeyMeter, { nullable: true, description: 'One EnerKey meter by id; a NOT_FOUND error when there is none.' })
  async enerkeyMeter(@Arg('id', () => ID, METER_ID_ARG) id: string, @Ctx() { loaders }: EnerkeyContext): Promise<EnerkeyMeter> {
    return EnerkeyMeter.fromRecord(await loadMeter(loaders, id, 'id'));
  }

  @Query(() => [EnerkeyQuantity], {
    nullable: true,
    description: 'Every quantity (kind of consumption) EnerKey knows, with its default unit.',
  })
  async enerkeyQuantities(@Ctx() { loaders }: EnerkeyContext): Promise<EnerkeyQuantity[]> {
    return (await loaders.quantities.load('all')).map(EnerkeyQuantity.fromRecord);
  }

  @Query(() => EnerkeyActionConnection, {
    nullable: true,
    description: 'Energy management actions of the profile, optionally of some facilities only.',
  })
  async enerkeyActions(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('facilityIds', () => [ID], { nullable: true, description: 'Only actions of these facilities.' }) facilityIds: string[] | null,
    @Ctx() { client }: EnerkeyContext,
  ): Promise<Connection<EnerkeyAction>> {
    const facilities = facilityIds?.map((id) => enerkeyId(id, 'facility', 'facilityIds'));
    return pageOf(args, (page) => client.actionPage(facilities, page), EnerkeyAction.fromRecord);
  }

  @Query(() => EnerkeyAlarm, {
    nullable: true,
    description: 'One alarm from EnerKey’s alarm logs by id (EnerKey partners only); NOT_FOUND when there is none.',
  })
  async enerkeyAlarm(
    @Arg('id', () => ID, { description: 'EnerKey’s id of the alarm (a whole number).' }) id: string,
    @Ctx() { client }: EnerkeyContext,
  ): Promise<EnerkeyAlarm> {
    const alarmId = enerkeyId(id, 'alarm');
    return EnerkeyAlarm.fromRecord(await orNotFound(client.alarm(alarmId), `No EnerKey alarm has id ${alarmId}.`));
  }

  @Query(() => EnerkeyAction, { nullable: true, description: 'One action by id; a NOT_FOUND error when there is none.' })
  async enerkeyAction(@Arg('id', () => ID, ACTION_ID_ARG) id: string, @Ctx() { loaders }: EnerkeyContext): Promise<EnerkeyAction> {
    const actionId = enerkeyId(id, 'action');
    return EnerkeyAction.fromRecord(await orNotFound(loaders.actionById.load(actionId), `No EnerKey action has id ${actionId}.`));
  }

  @Query(() => EnerkeyProvisioningStatus, {
    nullable: true,
    description: 'How EnerKey processed a provisioning data set (the id from upsertEnerkeyProvisioningData); NOT_FOUND for an unknown id.',
  })
  async enerkeyProvisioningStatus(
    @Arg('provisioningId', () => String, { description: 'The id upsertEnerkeyProvisioningData returned.' }) provisioningId: string,
    @Ctx() { client }: EnerkeyContext,
  ): Promise<EnerkeyProvisioningStatus> {
    const id = provisioningId.trim();
    if (!id) throw new BadUserInputError('provisioningId must not be empty.', { provider: 'ENERKEY', field: 'provisioningId' });
    return EnerkeyProvisioningStatus.fromRecord(await orNotFound(client.provisioningStatus(id), `No EnerKey provisioning has id ${id}.`));
  }
}

@Resolver()
export class EnerkeyMutationResolver {
  @RequiresRole('write')
  @Mutation(() => EnerkeyPushResult, {
    nullable: true,
    description:
      'Pushes consumption values to a CONSUMPTION meter (PushConsumptionsForMeter), in the meter’s unit. EnerKey keeps hourly data: values falling in one hour are summed and ADDED to what the hour already holds (push each value once); at most 365 days per push; timestamps need not be on the hour. Nothing is written when any value is refused. With an idempotencyKey, a retry after an attempt that got no answer is refused with UPSTREAM_TIMEOUT (extensions.reason IDEMPOTENCY_OUTCOME_UNKNOWN): EnerKey adds pushed values to the hour, so it cannot tell whether the lost push was stored.',
  })
  async pushEnerkeyConsumptions(
    @Arg('meterId', () => ID, METER_ID_ARG) meterId: string,
    @Arg('values', () => [EnerkeyHourlyValueInput], { description: 'The values, each stamped by the start of its hour.' })
    values: EnerkeyHourlyValueInput[],
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() context: EnerkeyContext,
  ): Promise<EnerkeyPushResult> {
    return push(context, meterId, values, EnerkeyMeterType.CONSUMPTION, idempotencyKey);
  }

  @RequiresRole('write')
  @Mutation(() => EnerkeyPushResult, {
    nullable: true,
    description:
      'Pushes cumulative register readings to a CUMULATIVE meter (PushCumulativeReadingsForMeter), in the meter’s unit; EnerKey stores the step between consecutive hours as that hour’s consumption (the last reading in an hour stands for it). Readings must not decrease; at most 365 days per push. Nothing is written when any reading is refused. With an idempotencyKey, a retry after an attempt that got no answer is refused with UPSTREAM_TIMEOUT (extensions.reason IDEMPOTENCY_OUTCOME_UNKNOWN): EnerKey adds pushed values to the hour, so it cannot tell whether the lost push was stored.',
  })
  async pushEnerkeyCumulativeReadings(
    @Arg('meterId', () => ID, METER_ID_ARG) meterId: string,
    @Arg('readings', () => [EnerkeyHourlyValueInput], { description: 'The register readings, each at the start of an hour.' })
    readings: EnerkeyHourlyValueInput[],
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() context: EnerkeyContext,
  ): Promise<EnerkeyPushResult> {
    return push(context, meterId, readings, EnerkeyMeterType.CUMULATIVE, idempotencyKey);
  }

  @RequiresRole('write')
  @Mutation(() => EnerkeyAction, {
    nullable: true,
    description:
      'Changes an action: reads the current action, applies the changes and sends the whole action back (EnerKey replaces it). Refused with BAD_USER_INPUT (extensions.reason "ACTION_CHANGED") when the action was saved after expectedModifiedAt, so a concurrent change is never overwritten.',
  })
  async updateEnerkeyAction(
    @Arg('id', () => ID, ACTION_ID_ARG) id: string,
    @Arg('expectedModifiedAt', () => DateTimeScalar, {
      description: 'The modifiedAt of the action as you last read it; the update is refused if it has changed since.',
    })
    expectedModifiedAt: Date,
    @Arg('input', () => UpdateEnerkeyActionInput, { description: 'The fields to change; omitted fields keep their values.' })
    input: UpdateEnerkeyActionInput,
    @Ctx() { client }: EnerkeyContext,
  ): Promise<EnerkeyAction> {
    const actionId = enerkeyId(id, 'action');
    for (const field of ['startDate', 'endDate'] as const) {
      const value = input[field];
      if (value !== undefined && value !== null && (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))) {
        throw new BadUserInputError(`${field} "${value}" is not a calendar date such as 2026-05-31.`, { provider: 'ENERKEY', field });
      }
    }
    // Always the current state, never a cached one: the comparison below must see the latest save.
    const current = await orNotFound(client.action(actionId), `No EnerKey action has id ${actionId}.`);
    const modifiedAt = new Date(current.modifiedAt);
    if (modifiedAt.getTime() !== expectedModifiedAt.getTime()) {
      throw new BadUserInputError(
        `EnerKey action ${actionId} was changed at ${modifiedAt.toISOString()}, after the version you read (${expectedModifiedAt.toISOString()}). Read it again, reapply your change and pass the new modifiedAt.`,
        { provider: 'ENERKEY', field: 'expectedModifiedAt', reason: 'ACTION_CHANGED', currentModifiedAt: modifiedAt.toISOString() },
      );
    }
    const startDate = input.startDate ?? current.startDate;
    const endDate = input.endDate ?? current.endDate;
    if (endDate !== null && endDate < startDate) {
      throw new BadUserInputError(`endDate (${endDate}) must not be before startDate (${startDate}).`, {
        provider: 'ENERKEY',
        field: 'endDate',
      });
    }
    const { modifiedAt: _previous, ...rest } = current;
    const saved = await client.replaceAction({
      ...rest,
      title: input.title ?? current.title,
      description: input.description ?? current.description,
      status: input.status ?? current.status,
      startDate,
      endDate,
      investment: input.investment ?? current.investment,
      expectedSavingsKwh: input.expectedSavingsKwh ?? current.expectedSavingsKwh,
    });
    return EnerkeyAction.fromRecord(saved);
  }

  @RequiresRole('admin')
  @Mutation(() => EnerkeyProvisioningCustomersResult, {
    nullable: true,
    description:
      'Sends the complete list of customer profiles for auto provisioning (UpsertProvisioningCustomer, partners only). It is a snapshot: customers missing from it are DELETED in EnerKey.',
  })
  async upsertEnerkeyProvisioningCustomers(
    @Arg('customers', () => [EnerkeyProvisioningCustomerInput], {
      description: 'Every customer that should exist; the others are deleted.',
    })
    customers: EnerkeyProvisioningCustomerInput[],
    @Ctx() { client }: EnerkeyContext,
  ): Promise<EnerkeyProvisioningCustomersResult> {
    const ids = customers.map((c) => c.externalCustomerId.trim());
    const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
    if (duplicate !== undefined) {
      throw new BadUserInputError(`externalCustomerId "${duplicate}" appears twice; each customer must appear once.`, {
        provider: 'ENERKEY',
        field: 'customers',
      });
    }
    return client.upsertProvisioningCustomers(
      customers.map((c) => ({
        productCode: c.productCode,
        externalCustomerName: c.externalCustomerName.trim(),
        externalCustomerId: c.externalCustomerId.trim(),
      })),
    );
  }

  @RequiresRole('admin')
  @Mutation(() => EnerkeyProvisioningAcceptance, {
    nullable: true,
    description:
      'Sends one customer’s facilities and meters for auto provisioning (UpsertProvisioningData). EnerKey accepts it for processing (check with enerkeyProvisioningStatus) or says it already processed the same data set.',
  })
  async upsertEnerkeyProvisioningData(
    @Arg('input', () => EnerkeyProvisioningDataInput, { description: 'The customer’s facility and meter data.' })
    input: EnerkeyProvisioningDataInput,
    @Ctx() { client }: EnerkeyContext,
  ): Promise<EnerkeyProvisioningAcceptance> {
    return client.upsertProvisioningData({
      externalCustomerId: input.externalCustomerId.trim(),
      facilities: input.facilities.map((f) => ({
        externalFacilityId: f.externalFacilityId,
        name: f.name,
        properties: (f.properties ?? []).map((p) => ({ name: p.name, value: p.value, ...(p.unit ? { unit: p.unit } : {}) })),
        meters: (f.meters ?? []).map(provisioningMeter),
      })),
    });
  }
}

function provisioningMeter(m: EnerkeyProvisioningMeterInput): EnerkeyProvisioningMeter {
  return {
    externalMeterId: m.externalMeterId,
    name: m.name,
    quantityId: m.quantityId,
    meterType: m.meterType ?? EnerkeyMeterType.CONSUMPTION,
    ...(m.meteringPointId ? { meteringPointId: m.meteringPointId } : {}),
    ...(m.subMeters?.length ? { subMeters: m.subMeters.map(provisioningMeter) } : {}),
  };
}

async function push(
  { client, loaders, store, readings }: EnerkeyContext,
  meterId: string,
  input: EnerkeyHourlyValueInput[],
  type: EnerkeyMeterType,
  idempotencyKey: string | null,
): Promise<EnerkeyPushResult> {
  if (input.length > MAX_PUSH_VALUES) {
    throw new BadUserInputError(`A push takes at most ${MAX_PUSH_VALUES} values; split it.`, { provider: 'ENERKEY', field: 'values' });
  }
  const points: EnerkeyValue[] = input.map((v) => ({ timestamp: v.timestamp, value: v.value }));
  // Before the meter is loaded: a push out of bounds is refused without any call to EnerKey.
  client.checkPush(points, type === EnerkeyMeterType.CUMULATIVE);
  const meter = await loadMeter(loaders, meterId);
  if ((meter.meterType === 'cumulative') !== (type === EnerkeyMeterType.CUMULATIVE)) {
    const use = meter.meterType === 'cumulative' ? 'pushEnerkeyCumulativeReadings' : 'pushEnerkeyConsumptions';
    throw new BadUserInputError(`EnerKey meter ${meter.id} records ${meter.meterType} data; push to it with ${use}.`, {
      provider: 'ENERKEY',
      field: 'meterId',
    });
  }
  const result = await idempotent({
    store,
    provider: 'ENERKEY',
    operation: type === EnerkeyMeterType.CUMULATIVE ? 'pushEnerkeyCumulativeReadings' : 'pushEnerkeyConsumptions',
    key: idempotencyKey,
    payload: { meterId: meter.id, points },
    perform: () =>
      type === EnerkeyMeterType.CUMULATIVE ? client.pushCumulativeReadings(meter.id, points) : client.pushConsumptions(meter.id, points),
    // No reconcile: EnerKey sums pushed values into whatever the hour held, so its state cannot tell
    // whether a lost push was stored; such a retry is told so (UPSTREAM_TIMEOUT, IDEMPOTENCY_OUTCOME_UNKNOWN).
  }).finally(() => readings.forgetHistory(String(meter.id))); // whether or not it was stored, the cached hours may be stale
  return Object.assign(new EnerkeyPushResult(), {
    meterId: String(result.meterId),
    unit: result.unit,
    hoursWritten: result.hoursWritten,
    from: new Date(result.start),
    to: new Date(result.end),
  });
}

@Resolver(() => EnerkeyFacility)
export class EnerkeyFacilityResolver {
  @FieldResolver(() => [EnerkeyMeter], { nullable: true, description: 'The facility’s meters.' })
  async meters(@Root() facility: EnerkeyFacility, @Ctx() { loaders }: EnerkeyContext): Promise<EnerkeyMeter[]> {
    return (await loaders.metersByFacility.load(Number(facility.id))).map(EnerkeyMeter.fromRecord);
  }

  @FieldResolver(() => [EnerkeyAction], { nullable: true, description: 'Energy management actions of the facility.' })
  async actions(@Root() facility: EnerkeyFacility, @Ctx() { client }: EnerkeyContext): Promise<EnerkeyAction[]> {
    return (await client.actions([Number(facility.id)])).map(EnerkeyAction.fromRecord);
  }

  @FieldResolver(() => EnerkeyImage, {
    nullable: true,
    description:
      'A chart of the facility’s monthly energy consumption (kWh per energy meter), rendered by EnerKey as PNG or PDF and returned inline as a data: URL.',
  })
  async image(
    @Root() facility: EnerkeyFacility,
    @Arg('format', () => EnerkeyImageFormat, { nullable: true, description: 'PNG (the default) or PDF.' })
    format: EnerkeyImageFormat | null,
    @Arg('layout', () => EnerkeyImageLayout, { nullable: true, description: 'REPORT (the default, with a title) or GRAPH.' })
    layout: EnerkeyImageLayout | null,
    @Arg('colors', () => [String], {
      nullable: true,
      description: 'Colours for the meters’ bars, in turn, as hex such as "#1f77b4"; EnerKey’s defaults when omitted.',
    })
    colors: string[] | null,
    @Arg('from', () => DateTimeScalar, {
      nullable: true,
      description: 'Start of the period shown (inclusive); default 12 months before `to`.',
    })
    from: Date | null,
    @Arg('to', () => DateTimeScalar, {
      nullable: true,
      description: 'End of the period shown (exclusive); default the start of the current month (UTC).',
    })
    to: Date | null,
    @Ctx() { client }: EnerkeyContext,
  ): Promise<EnerkeyImage> {
    const bad = colors?.find((color) => !HEX_COLOR.test(color.trim()));
    if (bad !== undefined) {
      throw new BadUserInputError(`"${bad}" is not a hex colour; use six hex digits such as "#1f77b4".`, {
        provider: 'ENERKEY',
        field: 'colors',
      });
    }
    if (from && to && from.getTime() >= to.getTime()) {
      throw new BadUserInputError('from must be before to.', { provider: 'ENERKEY', field: 'to' });
    }
    const image = await client.facilityImage(Number(facility.id), {
      format: format ?? EnerkeyImageFormat.PNG,
      layout: layout ?? EnerkeyImageLayout.REPORT,
      colors: colors?.map((c) => c.trim()),
      from: from ?? undefined,
      to: to ?? undefined,
    });
    return imageOf(format ?? EnerkeyImageFormat.PNG, image);
  }
}

@Resolver(() => EnerkeyMeter)
export class EnerkeyMeterResolver {
  @FieldResolver(() => EnerkeyFacility, { nullable: true, description: 'The facility the meter belongs to.' })
  async facility(@Root() meter: EnerkeyMeter, @Ctx() { loaders }: EnerkeyContext): Promise<EnerkeyFacility> {
    return EnerkeyFacility.fromRecord(await loaders.facilityById.load(Number(meter.facilityId)));
  }

  @FieldResolver(() => EnerkeyQuantity, { nullable: true, description: 'The quantity the meter measures.' })
  async quantity(@Root() meter: EnerkeyMeter, @Ctx() { loaders }: EnerkeyContext): Promise<EnerkeyQuantity | null> {
    const record = (await loaders.quantities.load('all')).find((q) => String(q.id) === meter.quantityId);
    return record ? EnerkeyQuantity.fromRecord(record) : null;
  }

  @FieldResolver(() => TimeSeries, {
    nullable: true,
    description:
      'Energy the meter consumed in the range, from EnerKey’s hourly values (pushed ones included): HOUR or coarser, at most 366 days, summed into calendar buckets of range.timeZone. Hours EnerKey has no value for are MISSING. Only for meters measuring energy (kWh or MWh); a BAD_USER_INPUT error otherwise.',
  })
  async consumption(
    @Root() meter: EnerkeyMeter,
    @Arg('range', () => ReadingRange, { description: 'The window, resolution, unit and time zone to report in.' }) range: ReadingRange,
    @Ctx() { readings }: EnerkeyContext,
  ): Promise<TimeSeriesResult> {
    const unit = ENERGY_UNITS[meter.unit];
    if (!unit) {
      throw new BadUserInputError(`EnerKey meter ${meter.id} measures in ${meter.unit}, not energy; use monthlyValues for its values.`, {
        provider: 'ENERKEY',
        field: 'range',
      });
    }
    return readings.series({ id: Number(meter.id), unit }, range);
  }

  @FieldResolver(() => EnerkeyMonthlySeries, {
    nullable: true,
    description:
      'EnerKey’s monthly values (calendar months at utcOffset, UTC by default) in the meter’s unit. The window is widened to whole months; at most 1830 days.',
  })
  monthlyValues(
    @Root() meter: EnerkeyMeter,
    @Arg('from', () => DateTimeScalar, MONTHS_FROM_ARG) from: Date,
    @Arg('to', () => DateTimeScalar, MONTHS_TO_ARG) to: Date,
    @Arg('utcOffset', () => String, UTC_OFFSET_ARG) utcOffset: string,
    @Ctx() { loaders }: EnerkeyContext,
  ): Promise<EnerkeyMonthlySeries> {
    return monthlySeries(loaders, meter, 'monthly', from, to, utcOffset);
  }

  @FieldResolver(() => EnerkeyMonthlySeries, {
    nullable: true,
    description:
      'EnerKey’s weather-normalized monthly values (by heating degree days; calendar months at utcOffset, UTC by default) in the meter’s unit. The window is widened to whole months; at most 1830 days.',
  })
  normalizedMonthlyValues(
    @Root() meter: EnerkeyMeter,
    @Arg('from', () => DateTimeScalar, MONTHS_FROM_ARG) from: Date,
    @Arg('to', () => DateTimeScalar, MONTHS_TO_ARG) to: Date,
    @Arg('utcOffset', () => String, UTC_OFFSET_ARG) utcOffset: string,
    @Ctx() { loaders }: EnerkeyContext,
  ): Promise<EnerkeyMonthlySeries> {
    return monthlySeries(loaders, meter, 'normalized', from, to, utcOffset);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The national metering point id (EAN, MPAN, …) this meter measures: the one EnerKey records, else the metering-point mapping’s (METERING_POINT_MAPPING_FILE or setEnerkeyMeteringPoint, by this meter’s id); null when neither has one.',
  })
  meterPointId(@Root() meter: EnerkeyMeter, @Ctx() { meteringPoints }: EnerkeyContext): Promise<string | null> {
    // The object's own meterPointId is what EnerKey records (fromRecord); the mapping fills a gap.
    return meteringPoints.meteringPointOf(meter.id, meter.meterPointId);
  }

  @FieldResolver(() => MeteringPoint, {
    nullable: true,
    description:
      'The metering point this meter measures (as meterPointId), joining what every provider knows about it; null when neither EnerKey nor the mapping has one.',
  })
  async meteringPoint(@Root() meter: EnerkeyMeter, @Ctx() { meteringPoints }: EnerkeyContext): Promise<MeteringPoint | null> {
    const id = await meteringPoints.meteringPointOf(meter.id, meter.meterPointId);
    return id ? new MeteringPoint(id) : null;
  }
}

async function monthlySeries(
  loaders: EnerkeyLoaders,
  meter: EnerkeyMeter,
  kind: EnerkeyValuesKind,
  from: Date,
  to: Date,
  utcOffset: string,
): Promise<EnerkeyMonthlySeries> {
  if (!UTC_OFFSET.test(utcOffset)) {
    throw new BadUserInputError(`utcOffset "${utcOffset}" is not a UTC offset; use "Z" or one such as "+02:00" or "-05:00".`, {
      provider: 'ENERKEY',
      field: 'utcOffset',
    });
  }
  if (from.getTime() >= to.getTime())
    throw new BadUserInputError('from must be before to; the window is [from, to).', { provider: 'ENERKEY', field: 'to' });
  const zone = utcOffset === 'Z' ? 'UTC' : `UTC${utcOffset}`;
  const start = DateTime.fromJSDate(from, { zone }).startOf('month');
  const endFloor = DateTime.fromJSDate(to, { zone }).startOf('month');
  const end = endFloor.toMillis() === to.getTime() ? endFloor : endFloor.plus({ months: 1 });
  if (end.toMillis() - start.toMillis() > ENERKEY_MAX_MONTHLY_DAYS * DAY_MS) {
    throw new BadUserInputError(
      `EnerKey serves at most ${ENERKEY_MAX_MONTHLY_DAYS} days of monthly values per request; ask for a shorter window.`,
      {
        provider: 'ENERKEY',
        field: 'to',
        maxSpanDays: ENERKEY_MAX_MONTHLY_DAYS,
      },
    );
  }
  const series = await loaders.values.load({ kind, meterId: Number(meter.id), from: start.toMillis(), to: end.toMillis(), zone });
  return Object.assign(new EnerkeyMonthlySeries(), {
    unit: series?.unit ?? meter.unit,
    utcOffset,
    normalized: kind === 'normalized',
    values: (series?.values ?? []).map((v) =>
      Object.assign(new EnerkeyMonthlyValue(), {
        start: v.timestamp,
        end: DateTime.fromJSDate(v.timestamp, { zone }).plus({ months: 1 }).toJSDate(),
        value: v.value,
      }),
    ),
  });
}

@Resolver(() => EnerkeyAction)
export class EnerkeyActionResolver {
  @FieldResolver(() => EnerkeyFacility, { nullable: true, description: 'The facility the action concerns.' })
  async facility(@Root() action: EnerkeyAction, @Ctx() { loaders }: EnerkeyContext): Promise<EnerkeyFacility> {
    return EnerkeyFacility.fromRecord(await loaders.facilityById.load(Number(action.facilityId)));
  }
}

@Resolver(() => EnerkeyAlarm)
export class EnerkeyAlarmResolver {
  @FieldResolver(() => EnerkeyMeter, { nullable: true, description: 'The meter the alarm is about.' })
  async meter(@Root() alarm: EnerkeyAlarm, @Ctx() { loaders }: EnerkeyContext): Promise<EnerkeyMeter> {
    return EnerkeyMeter.fromRecord(await loadMeter(loaders, alarm.meterId));
  }

  @FieldResolver(() => EnerkeyFacility, { nullable: true, description: 'The facility of the alarm’s meter.' })
  async facility(@Root() alarm: EnerkeyAlarm, @Ctx() { loaders }: EnerkeyContext): Promise<EnerkeyFacility> {
    return EnerkeyFacility.fromRecord(await loaders.facilityById.load(Number(alarm.facilityId)));
  }

  @FieldResolver(() => EnerkeyImage, {
    nullable: true,
    description: 'EnerKey’s image of the alarm (the meter’s hours around it beside the limit), inline as a data: URL.',
  })
  async image(
    @Root() alarm: EnerkeyAlarm,
    @Arg('format', () => EnerkeyImageFormat, { nullable: true, description: 'PNG (the default) or PDF.' })
    format: EnerkeyImageFormat | null,
    @Ctx() { client }: EnerkeyContext,
  ): Promise<EnerkeyImage> {
    return imageOf(format ?? EnerkeyImageFormat.PNG, await client.alarmImage(Number(alarm.id), format ?? EnerkeyImageFormat.PNG));
  }
}

@Resolver(() => EnerkeyProvisioningStatus)
export class EnerkeyProvisioningStatusResolver {
  @FieldResolver(() => [EnerkeyFacility], { nullable: true, description: 'The facilities the data set created or updated.' })
  async facilities(@Root() status: EnerkeyProvisioningStatus, @Ctx() { loaders }: EnerkeyContext): Promise<EnerkeyFacility[]> {
    const records = await Promise.all(status.facilityIds.map((id) => loaders.facilityById.load(Number(id))));
    return records.map(EnerkeyFacility.fromRecord);
  }

  @FieldResolver(() => [EnerkeyMeter], { nullable: true, description: 'The meters and submeters the data set created or updated.' })
  async meters(@Root() status: EnerkeyProvisioningStatus, @Ctx() { loaders }: EnerkeyContext): Promise<EnerkeyMeter[]> {
    const records = await Promise.all(status.meterIds.map((id) => loaders.meterById.load(Number(id))));
    return records.map(EnerkeyMeter.fromRecord);
  }
}

@Resolver(() => MeteringPoint)
export class EnerkeyMeteringPointResolver {
  @FieldResolver(() => [EnerkeyMeter], {
    nullable: true,
    description:
      'EnerKey meters at this metering point: those EnerKey records it for, and meters without one that the metering-point mapping assigns to it. Empty when none; null, with a coded error, when EnerKey is failing.',
  })
  async enerkeyMeters(@Root() point: MeteringPoint, @Ctx() { loaders }: EnerkeyContext): Promise<EnerkeyMeter[]> {
    return (await loaders.metersByPoint.load(point.id)).map(EnerkeyMeter.fromRecord);
  }
}

/** How the gateway's entity references become objects; they go through the same loaders. */
export const enerkeyReferenceResolvers = {
  EnerkeyFacility: async ({ id }: { id?: unknown }, { loaders }: EnerkeyContext) =>
    EnerkeyFacility.fromRecord(await loaders.facilityById.load(enerkeyId(String(id), 'facility'))),
  EnerkeyMeter: async ({ id }: { id?: unknown }, { loaders }: EnerkeyContext) =>
    EnerkeyMeter.fromRecord(await loadMeter(loaders, String(id), 'id')),
  EnerkeyQuantity: async ({ id }: { id?: unknown }, { loaders }: EnerkeyContext) => {
    const record = (await loaders.quantities.load('all')).find((q) => String(q.id) === String(id));
    if (!record) throw new NotFoundError(`No EnerKey quantity has id ${String(id)}.`, { provider: 'ENERKEY' });
    return EnerkeyQuantity.fromRecord(record);
  },
  EnerkeyAction: async ({ id }: { id?: unknown }, { loaders }: EnerkeyContext) => {
    const actionId = enerkeyId(String(id), 'action');
    return EnerkeyAction.fromRecord(await orNotFound(loaders.actionById.load(actionId), `No EnerKey action has id ${actionId}.`));
  },
};
