import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import { BadUserInputError, UpstreamUnavailableError, type GridgraphError } from '../../shared/graph/errors.js';
import { MeteringPoint, Provider } from '../../shared/graph/index.js';
import { MAX_METERING_POINTS, meteringPointIds } from '../../shared/graph/metering-point.js';
import { PROVIDER_LABELS, type ProviderName } from '../../shared/graph/provider-names.js';
import { BucketGrid } from '../../shared/time/buckets.js';
import { ReadingQuality, ReadingRange, Resolution } from '../../shared/time/index.js';
import { resolveRange, type ResolvedRange } from '../../shared/time/range.js';
import { EnergySum, roundEnergy } from '../../shared/time/units.js';
import { MergePolicy, bucketSeries, disagreements, mergeSeries, sourceOrder, type BucketValue, type SourceSeries } from './merge.js';
import type { PartialErrors } from './partial-errors.js';
import { portfolioSeries } from './portfolio.js';
import {
  ContributionStatus,
  DiscrepancyReport,
  DiscrepancyTolerance,
  MergedTimeSeries,
  PortfolioConnection,
  PortfolioTimeSeries,
  SeriesContribution,
} from './schema.js';
import type { MeteringSource, ProviderPart, RequestParts, SeriesKind } from './upstream.js';

export interface MeteringContext {
  parts: RequestParts;
  sources: readonly MeteringSource[];
  /** METERING_PROVIDER_PRIORITY: who wins a tie when `sources` is not given. */
  priority: readonly ProviderName[];
  now: () => number;
  partialErrors: PartialErrors;
}

/** Every provider's series of one metering point over one range, cut into the same buckets. */
interface Gathered {
  range: ResolvedRange;
  boundaries: number[];
  /** The providers whose series are in, in preference order. */
  series: SourceSeries[];
  contributions: SeriesContribution[];
  partial: boolean;
}

const sourcesArg = {
  nullable: true,
  description:
    'The providers to merge, in order of preference (PRIORITY takes the first that has a bucket; BEST_QUALITY breaks ties by it). Default: every provider that knows the metering point, in the configured priority.',
} as const;

const policyArg = {
  defaultValue: MergePolicy.BEST_QUALITY,
  description: 'How each bucket’s value is chosen among the providers (default BEST_QUALITY).',
} as const;

@Resolver(() => MeteringPoint)
export class MeteringPointMergeResolver {
  @FieldResolver(() => MergedTimeSeries, {
    nullable: true,
    description:
      'Energy consumed at this connection over the range: one series merged from every provider that knows it, bucket by bucket under `policy`, each value with its source. Gaps one provider has are filled from another (`filled`); a failed provider is left out (`partial`) with its coded error in `errors`. Null, with a coded error, only when the range is refused by every provider.',
  })
  async consumption(
    @Root() point: MeteringPoint,
    @Arg('range', () => ReadingRange, { description: 'The window, resolution, unit and time zone: one bucket grid for every provider.' })
    range: ReadingRange,
    @Arg('sources', () => [Provider], sourcesArg) sources: ProviderName[] | null | undefined,
    @Arg('policy', () => MergePolicy, policyArg) policy: MergePolicy,
    @Ctx() context: MeteringContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<MergedTimeSeries> {
    return merged(await gather(context, info, point.id, range, sources ?? undefined, 'consumption'), policy, context.now());
  }

  @FieldResolver(() => MergedTimeSeries, {
    nullable: true,
    description:
      'Energy exported to the grid at this connection over the range, merged like `consumption` from the providers that report export (UMeter); null when none of them knows this connection.',
  })
  async production(
    @Root() point: MeteringPoint,
    @Arg('range', () => ReadingRange, { description: 'The window, resolution, unit and time zone.' }) range: ReadingRange,
    @Arg('sources', () => [Provider], sourcesArg) sources: ProviderName[] | null | undefined,
    @Arg('policy', () => MergePolicy, policyArg) policy: MergePolicy,
    @Ctx() context: MeteringContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<MergedTimeSeries | null> {
    const gathered = await gather(context, info, point.id, range, sources ?? undefined, 'production');
    return gathered.contributions.length === 0 ? null : merged(gathered, policy, context.now());
  }

  @FieldResolver(() => DiscrepancyReport, {
    nullable: true,
    description:
      'Where the providers that know this connection disagree: the buckets two or more of them MEASURED whose values differ beyond `tolerance`, with every value, and each provider’s total side by side.',
  })
  async discrepancies(
    @Root() point: MeteringPoint,
    @Arg('range', () => ReadingRange, { description: 'The window, resolution, unit and time zone.' }) range: ReadingRange,
    @Arg('tolerance', () => DiscrepancyTolerance, {
      nullable: true,
      description: 'How far values may differ and still agree (default: not at all).',
    })
    tolerance: DiscrepancyTolerance | null | undefined,
    @Ctx() context: MeteringContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<DiscrepancyReport> {
    const { absolute = 0, relative = 0 } = tolerance ?? {};
    for (const [field, value] of [
      ['tolerance.absolute', absolute],
      ['tolerance.relative', relative],
    ] as const) {
      if (!(value >= 0)) throw new BadUserInputError(`${field} must be 0 or more (got ${value}).`, { field });
    }
    const gathered = await gather(context, info, point.id, range, undefined, 'consumption');
    const { boundaries, series } = gathered;
    const count = boundaries.length - 1;
    return Object.assign(new DiscrepancyReport(), {
      ...rangeFacts(gathered.range),
      buckets: disagreements(series, count, { absolute, relative }).map(({ index, ...found }) => ({
        start: new Date(boundaries[index]!),
        end: new Date(boundaries[index + 1]!),
        ...found,
      })),
      totals: gathered.contributions,
      partial: gathered.partial,
    });
  }
}

@Resolver()
export class PortfolioResolver {
  @Query(() => PortfolioTimeSeries, {
    nullable: true,
    description: `Energy consumed by a set of connections (a portfolio) over the range: each connection merged as \`MeteringPoint.consumption\` does, then summed bucket by bucket into one series and total. A bucket is MISSING when any connection's is (see \`readings\`). Each provider subgraph is asked once for all the connections. A provider failing for a connection leaves it merged from the others (\`partial\`), with the provider's coded error in \`errors\`. At most ${MAX_METERING_POINTS} ids, else BAD_USER_INPUT before any provider is asked.`,
  })
  async meteringPointsConsumption(
    @Arg('ids', () => [ID], {
      description: `The connections' national metering point ids, at most ${MAX_METERING_POINTS}; a repeated id counts once.`,
    })
    ids: string[],
    @Arg('range', () => ReadingRange, { description: 'The window, resolution, unit and time zone: one bucket grid for every connection.' })
    range: ReadingRange,
    @Arg('sources', () => [Provider], sourcesArg) sources: ProviderName[] | null | undefined,
    @Arg('policy', () => MergePolicy, policyArg) policy: MergePolicy,
    @Ctx() context: MeteringContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<PortfolioTimeSeries> {
    const points = meteringPointIds(ids, 'ids');
    if (points.length === 0) throw new BadUserInputError('ids must name at least one metering point.', { field: 'ids' });
    // Every connection's parts are asked in the same tick: the loaders make them one call per provider subgraph.
    const gathered = await Promise.all(points.map((id) => gather(context, info, id, range, sources ?? undefined, 'consumption')));
    const nowMs = context.now();
    const connections = gathered.map((each, index) =>
      Object.assign(new PortfolioConnection(), { meteringPoint: new MeteringPoint(points[index]!), series: merged(each, policy, nowMs) }),
    );
    const { range: resolved, boundaries } = gathered[0]!;
    const built = portfolioSeries(
      resolved,
      boundaries,
      connections.map(({ series }) => series.readings),
      nowMs,
    );
    return Object.assign(new PortfolioTimeSeries(), {
      ...rangeFacts(resolved),
      total: built.total,
      count: built.count,
      missing: built.missing,
      readings: built.readings,
      values: built.values,
      starts: built.starts,
      policy,
      connections,
      partial: gathered.some(({ partial }) => partial),
    });
  }
}

function rangeFacts(range: ResolvedRange) {
  return {
    resolution: range.resolution,
    unit: range.unit,
    timeZone: range.timeZone,
    from: new Date(range.fromMs),
    to: new Date(range.toMs),
  };
}

/**
 * Checks the request (before any upstream call), asks every provider subgraph that can serve `kind` for
 * its part (one request per subgraph for the whole GraphQL request: the loaders batch), and sorts what
 * came back into series, refusals and failures. Each failure's coded error is reported at this field.
 */
async function gather(
  context: MeteringContext,
  info: GraphQLResolveInfo,
  pointId: string,
  asked: ReadingRange,
  sources: ProviderName[] | undefined,
  kind: SeriesKind,
): Promise<Gathered> {
  // The finest any provider may serve: each provider refuses what it cannot (REFUSED below).
  const range = resolveRange(asked, undefined, Resolution.FIVE_MINUTES);
  const able = context.sources.filter((source) => kind === 'consumption' || source.production).map(({ provider }) => provider);
  const unable = sources?.filter((provider) => !able.includes(provider)) ?? [];
  if (sources?.length === 0 || unable.length > 0) {
    const names = able.map((provider) => provider).join(', ');
    throw new BadUserInputError(
      sources?.length === 0
        ? `sources must name at least one provider (${names}), or be left out for all of them.`
        : `${unable.map((provider) => PROVIDER_LABELS[provider]).join(', ')} ${unable.length > 1 ? 'have' : 'has'} no ${kind} readings to merge; sources may name ${names}.`,
      { field: 'sources' },
    );
  }
  const boundaries = [...new BucketGrid(range.resolution, range.timeZone).each(range.fromMs, range.toMs)].map(({ start }) => start);
  boundaries.push(range.toMs);
  const count = boundaries.length - 1;

  const order = sourceOrder(able, sources, context.priority);
  const parts = await Promise.all(order.map((provider) => context.parts.part(provider, pointId, asked, kind)));
  const path = responsePathAsArray(info.path);
  const fail = (error: GridgraphError) => context.partialErrors.report(error, path);
  const series: SourceSeries[] = [];
  const contributions: SeriesContribution[] = [];
  let partial = false;
  for (const part of parts) {
    const outcome = ownSeries(part, count);
    if (!outcome) continue; // the provider knows no meter here
    for (const error of outcome.failures) fail(error);
    partial ||= outcome.failures.length > 0;
    if (outcome.buckets) series.push({ provider: part.provider, buckets: outcome.buckets });
    contributions.push(contribution(part.provider, outcome));
  }
  const refusals = contributions.filter(({ status }) => status === ContributionStatus.REFUSED);
  if (refusals.length > 0 && refusals.length === contributions.length) {
    throw new BadUserInputError(refusals.map(({ message }) => message).join(' '), {
      field: 'range',
      providers: refusals.map(({ provider }) => provider),
    });
  }
  return { range, boundaries, series, contributions, partial };
}

interface Outcome {
  meterIds: string[];
  /** The provider's series: per bucket the best among its meters (one connection, registered more than once). */
  buckets?: BucketValue[];
  refusal?: GridgraphError;
  failures: GridgraphError[];
}

/** What one provider's part gives the merge; undefined when it knows no meter at the metering point. */
function ownSeries(part: ProviderPart, count: number): Outcome | undefined {
  if ('error' in part)
    return part.error.code === 'BAD_USER_INPUT'
      ? { meterIds: [], refusal: part.error, failures: [] }
      : { meterIds: [], failures: [part.error] };
  if (part.meters.length === 0) return undefined;
  const answered: SourceSeries[] = [];
  const refusals: GridgraphError[] = [];
  const failures: GridgraphError[] = [];
  for (const meter of part.meters) {
    if ('error' in meter) (meter.error.code === 'BAD_USER_INPUT' ? refusals : failures).push(meter.error);
    else if (meter.buckets.length === count) answered.push({ provider: part.provider, buckets: meter.buckets });
    else {
      const label = PROVIDER_LABELS[part.provider];
      failures.push(
        new UpstreamUnavailableError(
          `${label} answered ${meter.buckets.length} buckets for meter ${meter.meterId}, not the ${count} asked.`,
          { provider: part.provider },
        ),
      );
    }
  }
  const meterIds = part.meters.map(({ meterId }) => meterId);
  if (answered.length === 0) return { meterIds, refusal: failures.length === 0 ? refusals[0] : undefined, failures };
  return { meterIds, buckets: mergeSeries(answered, count, MergePolicy.BEST_QUALITY).buckets, failures };
}

function contribution(provider: ProviderName, outcome: Outcome): SeriesContribution {
  const problem = outcome.failures[0] ?? outcome.refusal;
  const status = outcome.buckets
    ? ContributionStatus.OK
    : outcome.failures.length > 0
      ? ContributionStatus.FAILED
      : ContributionStatus.REFUSED;
  const total = new EnergySum();
  for (const { value, quality } of outcome.buckets ?? []) if (quality !== ReadingQuality.MISSING && value !== null) total.add(value);
  return Object.assign(new SeriesContribution(), {
    provider,
    status,
    meterIds: outcome.meterIds,
    total: outcome.buckets ? roundEnergy(total.value) : null,
    missing: outcome.buckets ? outcome.buckets.filter(({ quality }) => quality === ReadingQuality.MISSING).length : null,
    chosen: 0,
    code: status === ContributionStatus.OK ? null : (problem?.code ?? null),
    message: status === ContributionStatus.OK ? null : (problem?.message ?? null),
  });
}

/** The merged series, built by the kit's resampler from the merged buckets: its totals, counts and compact form are the kit's. */
function merged({ range, boundaries, series, contributions, partial }: Gathered, policy: MergePolicy, nowMs: number): MergedTimeSeries {
  const { buckets, filled } = mergeSeries(series, boundaries.length - 1, policy);
  const built = bucketSeries(range, boundaries, buckets, nowMs);
  const sources = built.readings.map((reading, index) => (reading.quality === ReadingQuality.MISSING ? null : buckets[index]!.source));
  for (const each of contributions) each.chosen = sources.filter((source) => source === each.provider).length;
  return Object.assign(new MergedTimeSeries(), {
    ...rangeFacts(range),
    total: built.total,
    count: built.count,
    missing: built.missing,
    filled,
    readings: built.readings.map((reading, index) => ({ ...reading, source: sources[index] })),
    values: built.values,
    sources,
    starts: built.starts,
    policy,
    contributions,
    partial,
  });
}
