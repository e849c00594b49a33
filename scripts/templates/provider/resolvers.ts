import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { BadUserInputError, orNotFound } from '../../shared/graph/errors.js';
import { collectPages, ConnectionArgs, MeteringPoint, offsetAfter, toConnection, type Connection } from '../../shared/graph/index.js';
import { ReadingRange, TimeSeries, type TimeSeriesReader, type TimeSeriesResult } from '../../shared/time/index.js';
import type { __Name__Client } from './client.js';
import { __NAME___MAX_PAGE_SIZE } from './contract.js';
import type { __Name__Loaders } from './loaders.js';
import type { __Name__EnergyMeter } from './readings.js';
import { __Name__Meter, __Name__MeterConnection } from './schema/index.js';

export interface __Name__Context {
  client: __Name__Client;
  loaders: __Name__Loaders;
  /** The time-series pipeline over readings.ts, for this request. */
  readings: TimeSeriesReader<__Name__EnergyMeter>;
}

/** A __Label__ meter id as the API writes them: anything else is refused before it costs a call. */
function meterId(id: string, field = 'id'): string {
  const trimmed = id.trim();
  if (!/^[\w-]{1,64}$/.test(trimmed)) {
    throw new BadUserInputError(`"${id}" is not a __Label__ meter id (letters, digits, - and _).`, { provider: '__NAME__', field });
  }
  return trimmed;
}

async function loadMeter(loaders: __Name__Loaders, id: string): Promise<__Name__Meter> {
  const wanted = meterId(id);
  return __Name__Meter.fromRecord(await orNotFound(loaders.meterById.load(wanted), `No __Label__ meter has id ${wanted}.`));
}

/**
 * The root fields. A mutation added here declares the role it needs beside its `@Mutation`:
 * `@RequiresRole('write')` for registrations and updates, `@RequiresRole('admin')` for deletes,
 * credentials and provisioning (shared/graph/roles.ts); test/gateway-roles.test.ts fails without it.
 */
@Resolver()
export class __Name__QueryResolver {
  @Query(() => __Name__MeterConnection, { nullable: true, description: 'The __Label__ account’s meters, a page at a time.' })
  async __name__Meters(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { loaders }: __Name__Context,
  ): Promise<Connection<__Name__Meter>> {
    const offset = offsetAfter(args.after);
    let total: number | null = null;
    // __Label__ pages by page number; the connection's cursors are offsets (shared/graph/connection.ts).
    const records = await collectPages(offset, args.first, __NAME___MAX_PAGE_SIZE, async (page, pageSize) => {
      const answer = await loaders.meterPage({ page, pageSize });
      total = answer.total;
      return answer.meters;
    });
    for (const record of records) loaders.meterById.prime(record.id, record);
    return toConnection(records.map(__Name__Meter.fromRecord), offset, args.first, total);
  }

  @Query(() => __Name__Meter, { nullable: true, description: 'One __Label__ meter by id; a NOT_FOUND error when there is none.' })
  __name__Meter(
    @Arg('id', () => ID, { description: '__Label__’s id of the meter.' }) id: string,
    @Ctx() { loaders }: __Name__Context,
  ): Promise<__Name__Meter> {
    return loadMeter(loaders, id);
  }
}

@Resolver(() => __Name__Meter)
export class __Name__MeterResolver {
  @FieldResolver(() => TimeSeries, {
    nullable: true,
    description:
      'Energy the meter consumed in the range, from __Label__’s half-hourly readings: HALF_HOUR or coarser, at most 366 days, summed into calendar buckets of range.timeZone. Half hours without a reading are MISSING.',
  })
  consumption(
    @Root() meter: __Name__Meter,
    @Arg('range', () => ReadingRange, { description: 'The window, resolution, unit and time zone to report in.' }) range: ReadingRange,
    @Ctx() { readings }: __Name__Context,
  ): Promise<TimeSeriesResult> {
    return readings.series({ id: meter.id }, range);
  }

  @FieldResolver(() => MeteringPoint, {
    nullable: true,
    description:
      'The metering point (EAN, MPAN, …) this meter measures, joining what every provider knows about it; null when __Label__ has none.',
  })
  meteringPoint(@Root() meter: __Name__Meter): MeteringPoint | null {
    return meter.meterPointId ? new MeteringPoint(meter.meterPointId) : null;
  }
}

/** __Label__'s field on the cross-provider join (DESIGN.md, "The graph"). */
@Resolver(() => MeteringPoint)
export class __Name__MeteringPointResolver {
  @FieldResolver(() => [__Name__Meter], {
    nullable: true,
    description: '__Label__ meters with this metering point id (empty when none; null, with a coded error, when __Label__ is failing).',
  })
  async __name__Meters(@Root() point: MeteringPoint, @Ctx() { loaders }: __Name__Context): Promise<__Name__Meter[]> {
    return (await loaders.metersByPoint.load(point.id)).map(__Name__Meter.fromRecord);
  }
}

/** How the gateway's entity references become objects; they go through the same loaders. */
export const __name__ReferenceResolvers = {
  __Name__Meter: ({ id }: { id?: unknown }, { loaders }: __Name__Context) => loadMeter(loaders, String(id)),
};
