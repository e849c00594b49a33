import { DateTimeScalar } from '../../shared/time/date-time-scalar.js';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { BadUserInputError, orNotFound } from '../../shared/graph/errors.js';
import { JSONObjectResolver } from 'graphql-scalars';
import { DateTime } from 'luxon';
import { RequiresRole } from '../../shared/graph/role-directive.js';
import { type Connection, ConnectionArgs, Deletion, MeteringPoint, offsetAfter, pagesFor, toConnection } from '../../shared/graph/index.js';
import { ReadingRange, TimeSeries, type TimeSeriesReader, type TimeSeriesResult } from '../../shared/time/index.js';
import type { OpenvoltClient } from './client.js';
import {
  OPENVOLT_MAX_PAGE_SIZE,
  OPENVOLT_PROVIDER_INFO_COMMON_FIELDS,
  OPENVOLT_PROVIDER_INFO_FIELDS,
  OPENVOLT_PROVIDER_INFO_SOURCES,
  type OpenvoltCustomerRecord,
  type OpenvoltDataSource as DataSourceValue,
  type OpenvoltMeterRecord,
} from './contract.js';
import type { OpenvoltLoaders } from './loaders.js';
import {
  CreateOpenvoltConsentInput,
  CreateOpenvoltCustomerInput,
  OpenvoltConsent,
  OpenvoltConsentConnection,
  OpenvoltConsentOrder,
  OpenvoltCustomer,
  OpenvoltCustomerConnection,
  OpenvoltDataSource,
  OpenvoltDocument,
  OpenvoltDocumentConnection,
  OpenvoltDocumentPurpose,
  OpenvoltEvent,
  OpenvoltEventConnection,
  OpenvoltMeter,
  OpenvoltMeterConnection,
  OpenvoltMeterStatus,
  OpenvoltProviderInfoInput,
  OpenvoltPullStatus,
  OpenvoltUpdateFrequency,
  PROVIDER_INFO_WIRE_NAMES,
  RegisterOpenvoltMeterInput,
  UpdateOpenvoltCustomerInput,
  UpdateOpenvoltMeterInput,
  UploadOpenvoltDocumentInput,
} from './schema.js';
import type { OpenvoltEvents } from './webhooks.js';
import type { Store } from '../../shared/store/index.js';
import { IDEMPOTENCY_KEY_ARG, idempotent } from '../../shared/connector/idempotency.js';
import type { MeteringPointLookup } from '../../shared/subgraph/metering-point-mapping.js';

export interface OpenvoltContext {
  client: OpenvoltClient;
  /** Shared between replicas: idempotency records (shared/connector/idempotency.ts). */
  store: Store;
  loaders: OpenvoltLoaders;
  /** The time-series pipeline over readings.ts, for this request. */
  readings: TimeSeriesReader<string>;
  events: OpenvoltEvents;
  /** The largest document uploadOpenvoltDocument passes on, in bytes (OPENVOLT_DOCUMENT_MAX_BYTES). */
  documentMaxBytes: number;
  /** The metering-point mapping, for meters without a metering point of their own (SolarEdge). */
  meteringPoints: MeteringPointLookup;
}

const OPENVOLT_ID = /^[0-9a-f]{24}$/i;
const CUSTOMER_ID_ARG = { description: 'Openvolt’s id of the customer (24 hex characters).' };
const METER_ID_ARG = { description: 'Openvolt’s id of the meter (24 hex characters).' };
const CONSENT_ID_ARG = { description: 'Openvolt’s id of the consent (24 hex characters).' };
const DOCUMENT_ID_ARG = { description: 'Openvolt’s id of the document (24 hex characters).' };
const METADATA_FILTER_ARG = {
  nullable: true,
  description: 'Only those whose metadata holds every one of these key–value pairs (string values).',
} as const;

/** A meter by id (the metering-point mapping's meter id), or NOT_FOUND; a malformed id is BAD_USER_INPUT, uncalled. */
export function findOpenvoltMeter(loaders: OpenvoltLoaders, id: string): Promise<OpenvoltMeterRecord> {
  return loaders.meterById.load(openvoltId(id, 'meter'));
}

/** Refuses ids that cannot be Openvolt ids before spending an upstream call on them. */
function openvoltId(id: string, what: string): string {
  const trimmed = id.trim();
  if (!OPENVOLT_ID.test(trimmed)) {
    throw new BadUserInputError(`"${id}" is not an Openvolt ${what} id (24 hexadecimal characters).`, {
      provider: 'OPENVOLT',
      field: 'id',
    });
  }
  return trimmed;
}

/**
 * A connection over one of Openvolt's list routes. Its envelope is only `{data: [...]}` (the spec's), so
 * the total is known once a short page has been read: free when this page reached the end, otherwise
 * counted by reading on, and only when the client selects `totalCount` (a getter: graphql reads it
 * only then; a failure nulls `totalCount` alone).
 */
async function page<T, R>(
  args: ConnectionArgs,
  fetchPage: (page: number, pageSize: number) => Promise<R[]>,
  map: (record: R) => T,
): Promise<Connection<T>> {
  const offset = offsetAfter(args.after);
  const { pages, skip } = pagesFor(offset, args.first, OPENVOLT_MAX_PAGE_SIZE);
  const records: R[] = [];
  let total: number | undefined;
  let nextPage = pages[0]!;
  for (; nextPage <= pages.at(-1)! && total === undefined; nextPage += 1) {
    const batch = await fetchPage(nextPage, OPENVOLT_MAX_PAGE_SIZE);
    records.push(...batch);
    if (batch.length < OPENVOLT_MAX_PAGE_SIZE) total = (nextPage - 1) * OPENVOLT_MAX_PAGE_SIZE + batch.length;
  }
  const connection = toConnection(records.slice(skip, skip + args.first + 1).map(map), offset, args.first);
  let counted: Promise<number> | undefined;
  return Object.defineProperty(connection, 'totalCount', {
    enumerable: true,
    get: () => (total !== undefined ? total : (counted ??= countFrom(nextPage, fetchPage))),
  });
}

/** The length of a list, reading its pages from `page` on until a short one. */
async function countFrom(page: number, fetchPage: (page: number, pageSize: number) => Promise<unknown[]>): Promise<number> {
  for (; ; page += 1) {
    const { length } = await fetchPage(page, OPENVOLT_MAX_PAGE_SIZE);
    if (length < OPENVOLT_MAX_PAGE_SIZE) return (page - 1) * OPENVOLT_MAX_PAGE_SIZE + length;
  }
}

/** A `YYYY-MM-DD` argument that is a real calendar date, or a BAD_USER_INPUT naming `field`. */
function calendarDate(value: string, field: string): string {
  const trimmed = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(trimmed) || !DateTime.fromISO(trimmed, { zone: 'utc' }).isValid) {
    throw new BadUserInputError(`${field} ${value} is not a calendar date as YYYY-MM-DD.`, { provider: 'OPENVOLT', field });
  }
  return trimmed;
}

/** A metadata filter argument: an object of string values, or a BAD_USER_INPUT. */
function metadataFilter(value: Record<string, unknown> | null | undefined): Record<string, string> | undefined {
  if (!value) return undefined;
  if (!Object.values(value).every((entry) => typeof entry === 'string')) {
    throw new BadUserInputError('metadata must be an object whose values are all strings.', { provider: 'OPENVOLT', field: 'metadata' });
  }
  return value as Record<string, string>;
}

/**
 * A meter's `provider_info` as the spec names its fields, after checking that the data source takes it
 * (only the Dutch ones do) and takes each given field (the spec's schema per data source).
 */
function providerInfo(input: OpenvoltProviderInfoInput | undefined, dataSource: DataSourceValue): Record<string, string> | undefined {
  if (!input) return undefined;
  const source = OPENVOLT_PROVIDER_INFO_SOURCES.find((name) => name === dataSource);
  if (!source) {
    throw new BadUserInputError(
      `providerInfo is only for the Dutch data sources (${OPENVOLT_PROVIDER_INFO_SOURCES.join(', ')}), not ${dataSource}.`,
      {
        provider: 'OPENVOLT',
        field: 'providerInfo',
      },
    );
  }
  const allowed: readonly string[] = [...OPENVOLT_PROVIDER_INFO_COMMON_FIELDS, ...OPENVOLT_PROVIDER_INFO_FIELDS[source]];
  const info: Record<string, string> = {};
  for (const [field, wireName] of Object.entries(PROVIDER_INFO_WIRE_NAMES)) {
    const value = input[field as keyof OpenvoltProviderInfoInput];
    if (value === undefined || value === null) continue;
    if (!allowed.includes(wireName)) {
      throw new BadUserInputError(`providerInfo.${field} does not apply to the data source ${dataSource}.`, {
        provider: 'OPENVOLT',
        field: `providerInfo.${field}`,
      });
    }
    info[wireName] = value;
  }
  return info;
}

/** The bytes of a base64 document, refused beyond `maxBytes` before they are decoded or sent anywhere. */
function documentBytes(contentBase64: string, maxBytes: number): Buffer {
  const padding = contentBase64.endsWith('==') ? 2 : contentBase64.endsWith('=') ? 1 : 0;
  const size = Math.floor((contentBase64.length * 3) / 4) - padding;
  if (size > maxBytes) {
    throw new BadUserInputError(`The document is ${size} bytes; Openvolt documents are limited to ${maxBytes} bytes here.`, {
      provider: 'OPENVOLT',
      field: 'contentBase64',
      size,
      maxBytes,
    });
  }
  if (size === 0) throw new BadUserInputError('The document is empty.', { provider: 'OPENVOLT', field: 'contentBase64' });
  return Buffer.from(contentBase64, 'base64');
}

function customerInput(input: CreateOpenvoltCustomerInput | UpdateOpenvoltCustomerInput) {
  return {
    name: input.name?.trim(),
    email: input.email?.trim(),
    address: input.address,
    logo_url: input.logoUrl,
    metadata: input.metadata,
    notes: input.notes,
  };
}

@Resolver()
export class OpenvoltQueryResolver {
  @Query(() => OpenvoltCustomerConnection, {
    nullable: true,
    description: 'Openvolt customers, optionally only the one with an email address.',
  })
  openvoltCustomers(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('email', () => String, { nullable: true, description: 'Only the customer with this email address.' }) email: string | null,
    @Arg('metadata', () => JSONObjectResolver, METADATA_FILTER_ARG) metadata: Record<string, unknown> | null,
    @Ctx() { client }: OpenvoltContext,
  ): Promise<Connection<OpenvoltCustomer>> {
    const filters = { email: email ?? undefined, metadata: metadataFilter(metadata) };
    return page(args, (p, size) => client.listCustomers({ ...filters, page: p, pageSize: size }), OpenvoltCustomer.fromRecord);
  }

  @Query(() => OpenvoltCustomer, { nullable: true, description: 'One Openvolt customer by id; a NOT_FOUND error when there is none.' })
  async openvoltCustomer(@Arg('id', () => ID, CUSTOMER_ID_ARG) id: string, @Ctx() { loaders }: OpenvoltContext): Promise<OpenvoltCustomer> {
    const record = await orNotFound(loaders.customerById.load(openvoltId(id, 'customer')), `No Openvolt customer has id ${id}.`);
    return OpenvoltCustomer.fromRecord(record);
  }

  @Query(() => OpenvoltMeterConnection, {
    nullable: true,
    description: 'Openvolt meters, most recently pulled first, filtered by any of Openvolt’s meter filters.',
  })
  openvoltMeters(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('customerId', () => ID, { nullable: true, description: 'Only meters registered for this customer.' }) customerId: string | null,
    @Arg('meterNumber', () => String, {
      nullable: true,
      description: 'Only meters with this meter number (MPAN); may belong to several customers.',
    })
    meterNumber: string | null,
    @Arg('status', () => OpenvoltMeterStatus, { nullable: true, description: 'Only meters in this status.' })
    status: OpenvoltMeterStatus | null,
    @Arg('dataSource', () => OpenvoltDataSource, { nullable: true, description: 'Only meters read from this data source.' })
    dataSource: OpenvoltDataSource | null,
    @Arg('updateFrequency', () => OpenvoltUpdateFrequency, { nullable: true, description: 'Only meters refreshed this often.' })
    updateFrequency: OpenvoltUpdateFrequency | null,
    @Arg('lastDataPullDate', () => String, { nullable: true, description: 'Only meters last pulled on this day (YYYY-MM-DD, UTC).' })
    lastDataPullDate: string | null,
    @Arg('lastDataPullStatus', () => OpenvoltPullStatus, { nullable: true, description: 'Only meters whose last pull went this way.' })
    lastDataPullStatus: OpenvoltPullStatus | null,
    @Arg('missingConsent', () => Boolean, { nullable: true, description: 'Only meters with (true) or without (false) a missing consent.' })
    missingConsent: boolean | null,
    @Arg('expiredConsent', () => Boolean, { nullable: true, description: 'Only meters with (true) or without (false) an expired consent.' })
    expiredConsent: boolean | null,
    @Arg('disabledByUser', () => Boolean, { nullable: true, description: 'Only meters a user disabled (true) or did not (false).' })
    disabledByUser: boolean | null,
    @Arg('invalidMeterNumber', () => Boolean, {
      nullable: true,
      description: 'Only meters whose number is invalid (true) or valid (false).',
    })
    invalidMeterNumber: boolean | null,
    @Arg('metadata', () => JSONObjectResolver, METADATA_FILTER_ARG) metadata: Record<string, unknown> | null,
    @Ctx() { loaders }: OpenvoltContext,
  ): Promise<Connection<OpenvoltMeter>> {
    const filters = {
      customer_id: customerId ? openvoltId(customerId, 'customer') : undefined,
      meter_number: meterNumber?.trim() || undefined,
      status: status ?? undefined,
      data_source: dataSource ?? undefined,
      update_frequency: updateFrequency ?? undefined,
      last_data_pull_date: lastDataPullDate == null ? undefined : calendarDate(lastDataPullDate, 'lastDataPullDate'),
      last_data_pull_status: lastDataPullStatus ?? undefined,
      missing_consent: missingConsent ?? undefined,
      expired_consent: expiredConsent ?? undefined,
      is_disabled_by_user: disabledByUser ?? undefined,
      has_invalid_meter_number: invalidMeterNumber ?? undefined,
      metadata: metadataFilter(metadata),
    };
    return page(args, (p, size) => loaders.meterPage({ ...filters, page: p, pageSize: size }), OpenvoltMeter.fromRecord);
  }

  @Query(() => OpenvoltMeter, { nullable: true, description: 'One Openvolt meter by id; a NOT_FOUND error when there is none.' })
  async openvoltMeter(@Arg('id', () => ID, METER_ID_ARG) id: string, @Ctx() { loaders }: OpenvoltContext): Promise<OpenvoltMeter> {
    const record = await orNotFound(loaders.meterById.load(openvoltId(id, 'meter')), `No Openvolt meter has id ${id}.`);
    return OpenvoltMeter.fromRecord(record);
  }

  @Query(() => OpenvoltConsentConnection, {
    nullable: true,
    description: 'Openvolt consents (in the order they were recorded unless sorted), filtered by any of Openvolt’s consent filters.',
  })
  openvoltConsents(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('customerId', () => ID, { nullable: true, description: 'Only consents given by this customer.' }) customerId: string | null,
    @Arg('name', () => String, { nullable: true, description: 'Only consents with exactly this name.' }) name: string | null,
    @Arg('startDate', () => String, { nullable: true, description: 'Only consents starting on or after this day (YYYY-MM-DD).' })
    startDate: string | null,
    @Arg('endDate', () => String, { nullable: true, description: 'Only consents ending on or before this day (YYYY-MM-DD).' })
    endDate: string | null,
    @Arg('sortBy', () => OpenvoltConsentOrder, { nullable: true, description: 'Sort ascending by this date instead.' })
    sortBy: OpenvoltConsentOrder | null,
    @Arg('metadata', () => JSONObjectResolver, METADATA_FILTER_ARG) metadata: Record<string, unknown> | null,
    @Ctx() { client }: OpenvoltContext,
  ): Promise<Connection<OpenvoltConsent>> {
    const filters = {
      customer_id: customerId ? openvoltId(customerId, 'customer') : undefined,
      name: name ?? undefined,
      start_date: startDate == null ? undefined : calendarDate(startDate, 'startDate'),
      end_date: endDate == null ? undefined : calendarDate(endDate, 'endDate'),
      sort_by: sortBy ?? undefined,
      metadata: metadataFilter(metadata),
    };
    return page(args, (p, size) => client.listConsents({ ...filters, page: p, pageSize: size }), OpenvoltConsent.fromRecord);
  }

  @Query(() => OpenvoltConsent, { nullable: true, description: 'One Openvolt consent by id; a NOT_FOUND error when there is none.' })
  async openvoltConsent(@Arg('id', () => ID, CONSENT_ID_ARG) id: string, @Ctx() { loaders }: OpenvoltContext): Promise<OpenvoltConsent> {
    const record = await orNotFound(loaders.consentById.load(openvoltId(id, 'consent')), `No Openvolt consent has id ${id}.`);
    return OpenvoltConsent.fromRecord(record);
  }

  @Query(() => OpenvoltDocumentConnection, {
    nullable: true,
    description: 'Documents stored at Openvolt, filtered by name, purpose and metadata.',
  })
  openvoltDocuments(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('name', () => String, { nullable: true, description: 'Only documents with exactly this name.' }) name: string | null,
    @Arg('purpose', () => OpenvoltDocumentPurpose, { nullable: true, description: 'Only documents for this purpose.' })
    purpose: OpenvoltDocumentPurpose | null,
    @Arg('metadata', () => JSONObjectResolver, METADATA_FILTER_ARG) metadata: Record<string, unknown> | null,
    @Ctx() { client }: OpenvoltContext,
  ): Promise<Connection<OpenvoltDocument>> {
    const filters = { name: name ?? undefined, purpose: purpose ?? undefined, metadata: metadataFilter(metadata) };
    return page(args, (p, size) => client.listDocuments({ ...filters, page: p, pageSize: size }), OpenvoltDocument.fromRecord);
  }

  @Query(() => OpenvoltDocument, { nullable: true, description: 'One Openvolt document by id; a NOT_FOUND error when there is none.' })
  async openvoltDocument(@Arg('id', () => ID, DOCUMENT_ID_ARG) id: string, @Ctx() { loaders }: OpenvoltContext): Promise<OpenvoltDocument> {
    const record = await orNotFound(loaders.documentById.load(openvoltId(id, 'document')), `No Openvolt document has id ${id}.`);
    return OpenvoltDocument.fromRecord(record);
  }

  @Query(() => OpenvoltEventConnection, {
    nullable: true,
    description: 'Webhook deliveries received from Openvolt, newest first; kept in the store for WEBHOOK_RETENTION_DAYS (default 30 days).',
  })
  openvoltEvents(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('type', () => String, { nullable: true, description: 'Only this event type, e.g. "meter_data.received".' }) type: string | null,
    @Arg('meterId', () => ID, { nullable: true, description: 'Only events about this Openvolt meter.' }) meterId: string | null,
    @Ctx() { events }: OpenvoltContext,
  ): Promise<Connection<OpenvoltEvent>> {
    return events.list({ type, meterId }, args);
  }
}

@Resolver()
export class OpenvoltMutationResolver {
  @RequiresRole('write')
  @Mutation(() => OpenvoltCustomer, { nullable: true, description: 'Creates an Openvolt customer. The email address must not be in use.' })
  async createOpenvoltCustomer(
    @Arg('input', () => CreateOpenvoltCustomerInput, { description: 'The customer to create.' }) input: CreateOpenvoltCustomerInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() { client, store }: OpenvoltContext,
  ): Promise<OpenvoltCustomer> {
    const customer = customerInput(input);
    const record = await idempotent({
      store,
      provider: 'OPENVOLT',
      operation: 'createOpenvoltCustomer',
      key: idempotencyKey,
      payload: customer,
      perform: () => client.createCustomer(customer),
      // The email address is unique at Openvolt: the customer with it is the one the lost attempt created.
      reconcile: async () => (await client.listCustomers({ email: customer.email, page: 1, pageSize: 1 }))[0],
    });
    return OpenvoltCustomer.fromRecord(record);
  }

  @RequiresRole('write')
  @Mutation(() => OpenvoltCustomer, { nullable: true, description: 'Changes an Openvolt customer and returns it as stored.' })
  async updateOpenvoltCustomer(
    @Arg('id', () => ID, CUSTOMER_ID_ARG) id: string,
    @Arg('input', () => UpdateOpenvoltCustomerInput, { description: 'The fields to change; omitted fields keep their values.' })
    input: UpdateOpenvoltCustomerInput,
    @Ctx() { client }: OpenvoltContext,
  ): Promise<OpenvoltCustomer> {
    const record = await orNotFound(
      client.updateCustomer(openvoltId(id, 'customer'), customerInput(input)),
      `No Openvolt customer has id ${id}.`,
    );
    return OpenvoltCustomer.fromRecord(record);
  }

  @RequiresRole('admin')
  @Mutation(() => Deletion, {
    nullable: true,
    description: 'Deletes an Openvolt customer. Openvolt refuses while the customer still has meters.',
  })
  async deleteOpenvoltCustomer(@Arg('id', () => ID, CUSTOMER_ID_ARG) id: string, @Ctx() { client }: OpenvoltContext): Promise<Deletion> {
    const customerId = openvoltId(id, 'customer');
    await orNotFound(client.deleteCustomer(customerId), `No Openvolt customer has id ${id}.`);
    return { id: customerId, provider: 'OPENVOLT', deleted: true };
  }

  @RequiresRole('write')
  @Mutation(() => OpenvoltMeter, {
    nullable: true,
    description:
      'Registers a meter number for a customer. A meter is unique to a customer and a meter number; registering the same pair twice is refused.',
  })
  async registerOpenvoltMeter(
    @Arg('input', () => RegisterOpenvoltMeterInput, { description: 'The meter to register.' }) input: RegisterOpenvoltMeterInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() { client, store }: OpenvoltContext,
  ): Promise<OpenvoltMeter> {
    const meter = {
      customer_id: input.customerId.trim(),
      meter_number: input.meterNumber.trim(),
      data_source: input.dataSource,
      consent_id: input.consentId,
      description: input.description,
      address: input.address,
      update_frequency: input.updateFrequency,
      metadata: input.metadata,
      notes: input.notes,
      provider_info: providerInfo(input.providerInfo, input.dataSource),
    };
    const record = await idempotent({
      store,
      provider: 'OPENVOLT',
      operation: 'registerOpenvoltMeter',
      key: idempotencyKey,
      payload: meter,
      perform: () => client.createMeter(meter),
      // (customer, meter number) is unique at Openvolt.
      reconcile: async () =>
        (await client.listMeters({ customer_id: meter.customer_id, meter_number: meter.meter_number, page: 1, pageSize: 1 }))[0],
    });
    return OpenvoltMeter.fromRecord(record);
  }

  @RequiresRole('write')
  @Mutation(() => OpenvoltMeter, {
    nullable: true,
    description:
      'Changes an Openvolt meter and returns it as stored. providerInfo is checked against the data source given, else the meter’s own (read first).',
  })
  async updateOpenvoltMeter(
    @Arg('id', () => ID, METER_ID_ARG) id: string,
    @Arg('input', () => UpdateOpenvoltMeterInput, { description: 'The fields to change; omitted fields keep their values.' })
    input: UpdateOpenvoltMeterInput,
    @Ctx() { client, loaders }: OpenvoltContext,
  ): Promise<OpenvoltMeter> {
    const meterId = openvoltId(id, 'meter');
    const notFound = `No Openvolt meter has id ${id}.`;
    // provider_info must suit the data source: the one being set, else the meter's own (one read).
    const dataSource =
      input.providerInfo && !input.dataSource
        ? (await orNotFound(loaders.meterById.load(meterId), notFound)).data_source
        : input.dataSource;
    const record = await orNotFound(
      client.updateMeter(meterId, {
        description: input.description,
        address: input.address,
        data_source: input.dataSource,
        update_frequency: input.updateFrequency,
        metadata: input.metadata,
        notes: input.notes,
        provider_info: dataSource && providerInfo(input.providerInfo, dataSource),
      }),
      notFound,
    );
    return OpenvoltMeter.fromRecord(record);
  }

  @RequiresRole('write')
  @Mutation(() => OpenvoltMeter, {
    nullable: true,
    description:
      'Sets the consent that lets Openvolt pull a meter’s data (the meter becomes active), or removes it with consentId: null (inactive).',
  })
  async setOpenvoltMeterConsent(
    @Arg('meterId', () => ID, METER_ID_ARG) meterId: string,
    @Arg('consentId', () => ID, { nullable: true, description: 'The consent to use; null removes the meter’s consent.' })
    consentId: string | null,
    @Ctx() { client }: OpenvoltContext,
  ): Promise<OpenvoltMeter> {
    const consent = consentId == null ? null : openvoltId(consentId, 'consent'); // omitted is null too
    const record = await orNotFound(
      client.updateMeterConsent(openvoltId(meterId, 'meter'), consent),
      `No Openvolt meter has id ${meterId}.`,
    );
    return OpenvoltMeter.fromRecord(record);
  }

  @RequiresRole('admin')
  @Mutation(() => Deletion, { nullable: true, description: 'Deletes an Openvolt meter.' })
  async deleteOpenvoltMeter(@Arg('id', () => ID, METER_ID_ARG) id: string, @Ctx() { client }: OpenvoltContext): Promise<Deletion> {
    const meterId = openvoltId(id, 'meter');
    await orNotFound(client.deleteMeter(meterId), `No Openvolt meter has id ${id}.`);
    return { id: meterId, provider: 'OPENVOLT', deleted: true };
  }

  @RequiresRole('write')
  @Mutation(() => OpenvoltConsent, { nullable: true, description: 'Records a customer’s consent for Openvolt to pull interval data.' })
  async createOpenvoltConsent(
    @Arg('input', () => CreateOpenvoltConsentInput, { description: 'The consent to record.' }) input: CreateOpenvoltConsentInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() { client, store }: OpenvoltContext,
  ): Promise<OpenvoltConsent> {
    for (const field of ['startDate', 'endDate'] as const) calendarDate(input[field], field);
    if (input.startDate > input.endDate) {
      throw new BadUserInputError(`startDate (${input.startDate}) must not be after endDate (${input.endDate}).`, {
        provider: 'OPENVOLT',
        field: 'endDate',
      });
    }
    const consent = {
      customer_id: input.customerId.trim(),
      type: 'interval' as const,
      name: input.name,
      start_date: input.startDate,
      end_date: input.endDate,
      evidence_document_id: input.evidenceDocumentId,
      metadata: input.metadata,
    };
    const record = await idempotent({
      store,
      provider: 'OPENVOLT',
      operation: 'createOpenvoltConsent',
      key: idempotencyKey,
      payload: consent,
      perform: () => client.createConsent(consent),
      // The newest consent of the customer with the same evidence and dates is the one the lost attempt recorded.
      reconcile: async () =>
        (await client.listConsents({ customer_id: consent.customer_id, page: 1, pageSize: 100 })).findLast(
          (c) =>
            c.evidence_document_id === consent.evidence_document_id &&
            c.start_date === consent.start_date &&
            c.end_date === consent.end_date &&
            (c.name ?? undefined) === (consent.name ?? undefined),
        ),
    });
    return OpenvoltConsent.fromRecord(record);
  }

  @RequiresRole('admin')
  @Mutation(() => OpenvoltConsent, { nullable: true, description: 'Archives a consent: Openvolt stops using it for data pulls.' })
  async archiveOpenvoltConsent(
    @Arg('id', () => ID, CONSENT_ID_ARG) id: string,
    @Ctx() { client }: OpenvoltContext,
  ): Promise<OpenvoltConsent> {
    const record = await orNotFound(client.archiveConsent(openvoltId(id, 'consent')), `No Openvolt consent has id ${id}.`);
    return OpenvoltConsent.fromRecord(record);
  }
}

@Resolver()
export class OpenvoltDocumentMutationResolver {
  @RequiresRole('write')
  @Mutation(() => OpenvoltDocument, {
    nullable: true,
    description:
      'Stores a document at Openvolt (e.g. the signed letter of authority a consent needs) and returns it with its id. The file comes base64-encoded, at most OPENVOLT_DOCUMENT_MAX_BYTES once decoded; a larger one is a BAD_USER_INPUT error and is not sent.',
  })
  async uploadOpenvoltDocument(
    @Arg('input', () => UploadOpenvoltDocumentInput, { description: 'The document and its file.' }) input: UploadOpenvoltDocumentInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() { client, store, documentMaxBytes }: OpenvoltContext,
  ): Promise<OpenvoltDocument> {
    const bytes = documentBytes(input.contentBase64, documentMaxBytes);
    const name = input.name.trim();
    const document = {
      name,
      purpose: input.purpose,
      metadata: input.metadata,
      file: { bytes, fileName: input.fileName ?? name, contentType: input.contentType },
    };
    const record = await idempotent({
      store,
      provider: 'OPENVOLT',
      operation: 'uploadOpenvoltDocument',
      key: idempotencyKey,
      payload: { ...document, file: { ...document.file, bytes: input.contentBase64 } },
      perform: () => client.uploadDocument(document),
    });
    return OpenvoltDocument.fromRecord(record);
  }
}

@Resolver(() => OpenvoltCustomer)
export class OpenvoltCustomerResolver {
  @FieldResolver(() => OpenvoltMeterConnection, { nullable: true, description: 'The meters registered for this customer.' })
  meters(
    @Root() customer: OpenvoltCustomer,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { loaders }: OpenvoltContext,
  ): Promise<Connection<OpenvoltMeter>> {
    return page(args, (p, size) => loaders.meterPage({ customer_id: customer.id, page: p, pageSize: size }), OpenvoltMeter.fromRecord);
  }

  @FieldResolver(() => OpenvoltConsentConnection, { nullable: true, description: 'The consents this customer has given.' })
  consents(
    @Root() customer: OpenvoltCustomer,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { client }: OpenvoltContext,
  ): Promise<Connection<OpenvoltConsent>> {
    return page(args, (p, size) => client.listConsents({ customer_id: customer.id, page: p, pageSize: size }), OpenvoltConsent.fromRecord);
  }
}

@Resolver(() => OpenvoltMeter)
export class OpenvoltMeterResolver {
  @FieldResolver(() => OpenvoltCustomer, { nullable: true, description: 'The customer this meter is registered for.' })
  async customer(@Root() meter: OpenvoltMeter, @Ctx() { loaders }: OpenvoltContext): Promise<OpenvoltCustomer> {
    const record: OpenvoltCustomerRecord = meter.embeddedCustomer ?? (await loaders.customerById.load(meter.customerId));
    return OpenvoltCustomer.fromRecord(record);
  }

  @FieldResolver(() => OpenvoltConsent, { nullable: true, description: 'The consent Openvolt uses for this meter, if any.' })
  async consent(@Root() meter: OpenvoltMeter, @Ctx() { loaders }: OpenvoltContext): Promise<OpenvoltConsent | null> {
    if (!meter.consentId) return null;
    return OpenvoltConsent.fromRecord(await loaders.consentById.load(meter.consentId));
  }

  @FieldResolver(() => TimeSeries, {
    nullable: true,
    description:
      'Energy this meter consumed in the range, from Openvolt’s half-hourly kWh (or its day, week, month and year rows where they make up the asked buckets): HALF_HOUR or coarser, at most 366 days, summed into calendar buckets of range.timeZone. Half hours Openvolt has no data for are MISSING.',
  })
  consumption(
    @Root() meter: OpenvoltMeter,
    @Arg('range', () => ReadingRange, { description: 'The window, resolution, unit and time zone to report in.' }) range: ReadingRange,
    @Ctx() { readings }: OpenvoltContext,
  ): Promise<TimeSeriesResult> {
    return readings.series(meter.id, range);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The national metering point id this meter measures: its meter number (the MPAN, or the EAN for a Dutch data source); for a SolarEdge meter, whose number is an inverter site, the metering-point mapping’s (METERING_POINT_MAPPING_FILE or setOpenvoltMeteringPoint, by this meter’s id), null when unmapped.',
  })
  meterPointId(@Root() meter: OpenvoltMeter, @Ctx() { meteringPoints }: OpenvoltContext): Promise<string | null> {
    // The object's own meterPointId is what Openvolt records (fromRecord); the mapping fills a gap.
    return meteringPoints.meteringPointOf(meter.id, meter.meterPointId);
  }

  @FieldResolver(() => MeteringPoint, {
    nullable: true,
    description:
      'The metering point this meter measures (as meterPointId), joining what every provider knows about it; null for an unmapped SolarEdge meter.',
  })
  async meteringPoint(@Root() meter: OpenvoltMeter, @Ctx() { meteringPoints }: OpenvoltContext): Promise<MeteringPoint | null> {
    const id = await meteringPoints.meteringPointOf(meter.id, meter.meterPointId);
    return id ? new MeteringPoint(id) : null;
  }

  @FieldResolver(() => DateTimeScalar, {
    nullable: true,
    description:
      'When Openvolt last announced new data for this meter (the latest meter_data.received webhook received); null if none within the retention.',
  })
  lastDataReceivedAt(@Root() meter: OpenvoltMeter, @Ctx() { events }: OpenvoltContext): Promise<Date | null> {
    return events.lastDataReceivedAt(meter.id);
  }
}

@Resolver(() => OpenvoltConsent)
export class OpenvoltConsentResolver {
  @FieldResolver(() => OpenvoltCustomer, { nullable: true, description: 'The customer who gave the consent.' })
  async customer(@Root() consent: OpenvoltConsent, @Ctx() { loaders }: OpenvoltContext): Promise<OpenvoltCustomer> {
    return OpenvoltCustomer.fromRecord(await loaders.customerById.load(consent.customerId));
  }

  @FieldResolver(() => OpenvoltDocument, { nullable: true, description: 'The document holding the consent’s evidence.' })
  async evidenceDocument(@Root() consent: OpenvoltConsent, @Ctx() { loaders }: OpenvoltContext): Promise<OpenvoltDocument> {
    return OpenvoltDocument.fromRecord(await loaders.documentById.load(consent.evidenceDocumentId));
  }
}

@Resolver(() => MeteringPoint)
export class OpenvoltMeteringPointResolver {
  @FieldResolver(() => [OpenvoltMeter], {
    nullable: true,
    description:
      'Openvolt meters at this metering point: those with it as their meter number (one per customer that registered it) and meters without one of their own (SolarEdge) that the metering-point mapping assigns to it. Empty when none; null, with a coded error, when Openvolt is failing.',
  })
  async openvoltMeters(@Root() point: MeteringPoint, @Ctx() { loaders }: OpenvoltContext): Promise<OpenvoltMeter[]> {
    const records: OpenvoltMeterRecord[] = await loaders.metersAtPoint.load(point.id);
    return records.map(OpenvoltMeter.fromRecord);
  }
}

/** How the gateway's entity references become objects; they go through the same loaders. */
export const openvoltReferenceResolvers = {
  OpenvoltCustomer: async ({ id }: { id?: unknown }, { loaders }: OpenvoltContext) =>
    OpenvoltCustomer.fromRecord(await orNotFound(loaders.customerById.load(String(id)), `No Openvolt customer has id ${String(id)}.`)),
  OpenvoltMeter: async ({ id }: { id?: unknown }, { loaders }: OpenvoltContext) =>
    OpenvoltMeter.fromRecord(await orNotFound(loaders.meterById.load(String(id)), `No Openvolt meter has id ${String(id)}.`)),
  OpenvoltConsent: async ({ id }: { id?: unknown }, { loaders }: OpenvoltContext) =>
    OpenvoltConsent.fromRecord(await orNotFound(loaders.consentById.load(String(id)), `No Openvolt consent has id ${String(id)}.`)),
};
