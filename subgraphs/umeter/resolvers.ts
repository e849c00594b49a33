import { DateTime } from 'luxon';
import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { BadUserInputError, NotFoundError } from '../../shared/graph/errors.js';
import { MeteringPoint } from '../../shared/graph/index.js';
import { ReadingRange, TimeSeries, type TimeSeriesReader, type TimeSeriesResult } from '../../shared/time/index.js';
import type { UmeterClient } from './client.js';
import {
  UMETER_DAY_FORMAT,
  UMETER_MAX_P4_DAYS,
  UMETER_TIME_ZONE,
  type UmeterAddressRecord,
  type UmeterCustomerRecord,
} from './contract.js';
import type { UmeterLoaders } from './loaders.js';
import type { UmeterMeter } from './readings.js';
import { UmeterAddress, UmeterConnection, UmeterCustomer, UmeterUsage } from './schema.js';
import type { Store } from '../../shared/store/index.js';

export interface UmeterContext {
  client: UmeterClient;
  /** Shared between replicas: idempotency records (shared/connector/idempotency.ts). */
  store: Store;
  loaders: UmeterLoaders;
  /** The time-series pipeline over readings.ts, for this request. */
  readings: TimeSeriesReader<UmeterMeter>;
}

const EAN = /^\d{18}$/;
const EAN_ARG = { description: 'The connection’s EAN: 18 digits, e.g. "871687120000000011".' };

function checkEan(ean: string): string {
  const trimmed = ean.trim();
  if (!EAN.test(trimmed)) {
    throw new BadUserInputError(`"${ean}" is not an EAN: a Dutch connection id has exactly 18 digits, e.g. 871687120000000011.`, {
      provider: 'UMETER',
      field: 'ean',
    });
  }
  return trimmed;
}

function connectionsOf(customer: UmeterCustomerRecord): UmeterAddressRecord[] {
  return customer.addresses.filter((address) => typeof address.eEan?.ean === 'string' && address.eEan.ean !== '');
}

async function findConnection(loaders: UmeterLoaders, ean: string): Promise<UmeterConnection | null> {
  const address = connectionsOf(await loaders.customer()).find((candidate) => candidate.eEan!.ean === ean);
  return address ? UmeterConnection.fromAddress(address) : null;
}

async function requireConnection(loaders: UmeterLoaders, ean: string): Promise<UmeterConnection> {
  const connection = await findConnection(loaders, ean);
  if (!connection) {
    throw new NotFoundError(`The UMeter account has no connection with EAN ${ean}; umeterCustomer lists the ones it has.`, {
      provider: 'UMETER',
    });
  }
  return connection;
}

@Resolver()
export class UmeterQueryResolver {
  @Query(() => UmeterCustomer, {
    nullable: true,
    description: 'The UMeter customer this service is logged in as, with its addresses and connections.',
  })
  async umeterCustomer(@Ctx() { loaders }: UmeterContext): Promise<UmeterCustomer> {
    return UmeterCustomer.fromRecord(await loaders.customer());
  }

  @Query(() => UmeterConnection, {
    nullable: true,
    description:
      'One connection of the UMeter customer by its EAN; BAD_USER_INPUT when it is not 18 digits, NOT_FOUND when the customer has no such connection.',
  })
  umeterConnection(@Arg('ean', () => String, EAN_ARG) ean: string, @Ctx() { loaders }: UmeterContext): Promise<UmeterConnection> {
    return requireConnection(loaders, checkEan(ean));
  }
}

@Resolver(() => UmeterCustomer)
export class UmeterCustomerResolver {
  @FieldResolver(() => [UmeterAddress], { description: 'The customer’s addresses (buildings).' })
  addresses(@Root() customer: UmeterCustomer): UmeterAddress[] {
    return customer.record.addresses.map(UmeterAddress.fromRecord);
  }

  @FieldResolver(() => [UmeterConnection], { description: 'The electricity connections (EANs) of all the customer’s addresses.' })
  connections(@Root() customer: UmeterCustomer): UmeterConnection[] {
    return connectionsOf(customer.record).map(UmeterConnection.fromAddress);
  }
}

@Resolver(() => UmeterAddress)
export class UmeterAddressResolver {
  @FieldResolver(() => UmeterConnection, {
    nullable: true,
    description: 'The address’s electricity connection; null when UMeter lists no EAN for it.',
  })
  connection(@Root() address: UmeterAddress): UmeterConnection | null {
    return address.record.eEan?.ean ? UmeterConnection.fromAddress(address.record) : null;
  }
}

const RANGE_ARG = { description: 'The window, resolution, unit and time zone to report in.' };
const RANGE_LIMITS_TEXT =
  'QUARTER_HOUR or coarser. At most 31 days at QUARTER_HOUR, HALF_HOUR or HOUR; 366 days at DAY or WEEK; 3660 days at MONTH or YEAR. DAY and coarser need a time zone whose day boundaries match Europe/Amsterdam’s, else the 31-day limit applies.';

@Resolver(() => UmeterConnection)
export class UmeterConnectionResolver {
  @FieldResolver(() => TimeSeries, {
    nullable: true,
    description: `Energy imported from the grid (measKey "import") in the range, summed into calendar buckets of range.timeZone. ${RANGE_LIMITS_TEXT}`,
  })
  consumption(
    @Root() connection: UmeterConnection,
    @Arg('range', () => ReadingRange, RANGE_ARG) range: ReadingRange,
    @Ctx() { readings }: UmeterContext,
  ): Promise<TimeSeriesResult> {
    return readings.series({ ean: connection.ean, measKey: 'import' }, range);
  }

  @FieldResolver(() => TimeSeries, {
    nullable: true,
    description: `Energy exported to the grid (measKey "export", e.g. from solar panels) in the range; zero for a connection that does not export. ${RANGE_LIMITS_TEXT}`,
  })
  production(
    @Root() connection: UmeterConnection,
    @Arg('range', () => ReadingRange, RANGE_ARG) range: ReadingRange,
    @Ctx() { readings }: UmeterContext,
  ): Promise<TimeSeriesResult> {
    return readings.series({ ean: connection.ean, measKey: 'export' }, range);
  }

  @FieldResolver(() => UmeterUsage, {
    nullable: true,
    description: `Usage per register and its cost from UMeter’s P4 data, over whole days of Europe/Amsterdam; at most ${UMETER_MAX_P4_DAYS} days.`,
  })
  async usage(
    @Root() connection: UmeterConnection,
    @Arg('from', () => String, { description: 'First day (inclusive), YYYY-MM-DD, a day of Europe/Amsterdam.' }) from: string,
    @Arg('to', () => String, {
      description: 'The day after the last one (exclusive), YYYY-MM-DD; one day after from asks for a single day.',
    })
    to: string,
    @Ctx() { client }: UmeterContext,
  ): Promise<UmeterUsage> {
    const first = localDay(from, 'from');
    const end = localDay(to, 'to');
    const days = end.diff(first, 'days').days;
    if (days < 1)
      throw new BadUserInputError(`to (${to}) must be at least one day after from (${from}); to is exclusive.`, {
        provider: 'UMETER',
        field: 'to',
      });
    if (days > UMETER_MAX_P4_DAYS) {
      throw new BadUserInputError(
        `The usage period covers ${days} days; UMeter usage is served for at most ${UMETER_MAX_P4_DAYS} days per request.`,
        {
          provider: 'UMETER',
          field: 'to',
          maxSpanDays: UMETER_MAX_P4_DAYS,
        },
      );
    }
    const usage = await client.p4(connection.ean, first.toFormat(UMETER_DAY_FORMAT), end.toFormat(UMETER_DAY_FORMAT));
    return UmeterUsage.from(connection.ean, first.toJSDate(), end.toJSDate(), usage);
  }

  @FieldResolver(() => UmeterAddress, { description: 'The address this connection belongs to.' })
  address(@Root() connection: UmeterConnection): UmeterAddress {
    return UmeterAddress.fromRecord(connection.addressRecord);
  }

  @FieldResolver(() => MeteringPoint, {
    description: 'The metering point (EAN) of this connection, joining what every provider knows about it.',
  })
  meteringPoint(@Root() connection: UmeterConnection): MeteringPoint {
    return new MeteringPoint(connection.ean);
  }
}

function localDay(value: string, field: string): DateTime {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? DateTime.fromISO(value.trim(), { zone: UMETER_TIME_ZONE }) : undefined;
  if (!day?.isValid)
    throw new BadUserInputError(`${field} "${value}" is not a date; write it as YYYY-MM-DD, e.g. 2026-03-29.`, {
      provider: 'UMETER',
      field,
    });
  return day;
}

@Resolver(() => MeteringPoint)
export class UmeterMeteringPointResolver {
  @FieldResolver(() => UmeterConnection, {
    nullable: true,
    description:
      'The UMeter connection with this EAN, if the UMeter customer has it; null when it has not (and, with a coded error, when UMeter is failing).',
  })
  async umeterConnection(@Root() point: MeteringPoint, @Ctx() { loaders }: UmeterContext): Promise<UmeterConnection | null> {
    if (!EAN.test(point.id)) return null;
    return findConnection(loaders, point.id);
  }
}

/** How the gateway's entity references become objects; they go through the same loaders. */
export const umeterReferenceResolvers = {
  UmeterCustomer: async ({ id }: { id?: unknown }, { loaders }: UmeterContext) => {
    const customer = await loaders.customer();
    if (customer.id !== String(id)) throw new NotFoundError(`The UMeter login is not customer ${String(id)}.`, { provider: 'UMETER' });
    return UmeterCustomer.fromRecord(customer);
  },
  UmeterAddress: async ({ id }: { id?: unknown }, { loaders }: UmeterContext) => {
    const address = (await loaders.customer()).addresses.find((candidate) => String(candidate.id) === String(id));
    if (!address) throw new NotFoundError(`The UMeter customer has no address with id ${String(id)}.`, { provider: 'UMETER' });
    return UmeterAddress.fromRecord(address);
  },
  UmeterConnection: ({ id }: { id?: unknown }, { loaders }: UmeterContext) => requireConnection(loaders, String(id)),
};
