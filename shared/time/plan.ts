import type { ProviderName } from '../graph/provider-names.js';
import { assertSpan, localIso, refusal, type Refuse, type ResolvedRange } from './range.js';
import { BucketGrid } from './buckets.js';
import { resolutionInfo } from './resolution.js';
import type { Granularity } from './source.js';
import type { Resolution } from './types.js';

/**
 * Which of a provider's granularities each bucket is summed from. A bucket can be summed from rows of
 * a granularity exactly when both its edges are boundaries of those rows (then the rows tile it); the
 * coarsest such granularity is the cheapest, so it wins. A bucket no granularity tiles would need a
 * provider row split in two, which is never invented: the request is refused (local days in
 * Asia/Kathmandu, +05:45, against UTC half hours).
 */
export interface BucketPlan {
  /** Bucket i is [boundaries[i], boundaries[i + 1]). */
  boundaries: number[];
  /** For each bucket, the index of its granularity in the source's list. */
  granularityOf: number[];
  /** The finest resolution the buckets are summed from (what TimeSeries.nativeResolution reports). */
  nativeResolution: Resolution;
}

export interface PlanSource {
  provider: ProviderName;
  granularities: readonly Granularity[];
  maxSpanDays: number;
}

export function planBuckets(range: ResolvedRange, source: PlanSource): BucketPlan {
  const { provider, granularities } = source;
  const rank = resolutionInfo(range.resolution).rank;
  // Only rows no coarser than the bucket can tile it; coarsest first.
  const eligible = granularities
    .map((granularity, index) => ({ granularity, index }))
    .filter(({ granularity }) => resolutionInfo(granularity.resolution).rank <= rank)
    .reverse();
  // Refuse an overlong range before walking its buckets: no granularity that could serve it allows more.
  const spanOf = (granularity: Granularity) => granularity.maxSpanDays ?? source.maxSpanDays;
  assertSpan(range, provider, Math.min(source.maxSpanDays, Math.max(...eligible.map(({ granularity }) => spanOf(granularity)))));

  const boundaries: number[] = [];
  for (const { start } of new BucketGrid(range.resolution, range.timeZone).each(range.fromMs, range.toMs)) boundaries.push(start);
  boundaries.push(range.toMs);

  const fits = eligible.map(({ granularity }) => boundaryTest(granularity, range));
  const granularityOf: number[] = [];
  let finest = eligible.length;
  for (let bucket = 0; bucket + 1 < boundaries.length; bucket++) {
    const choice = fits.findIndex((fit) => fit(boundaries[bucket]!) && fit(boundaries[bucket + 1]!));
    if (choice < 0) refuseMisaligned(range, provider, granularities[0]!, boundaries[bucket]!, boundaries[bucket + 1]!);
    granularityOf.push(eligible[choice]!.index);
    finest = Math.min(finest, eligible[choice]!.index);
  }

  // The exact limit: the strictest of the granularities used. Say how to be allowed more where a
  // coarser granularity with a longer limit exists but does not line up with the asked zone.
  const used = [...new Set(granularityOf)].map((index) => granularities[index]!);
  const limit = Math.min(...used.map(spanOf));
  const roomier = eligible.find(({ granularity }) => spanOf(granularity) > limit && granularity.zone !== range.timeZone)?.granularity;
  const hint = roomier
    ? ` (${provider}'s ${roomier.resolution} values are cut in ${roomier.zone}; with timeZone "${roomier.zone}" up to ${spanOf(roomier)} days are served)`
    : '';
  assertSpan(range, provider, limit, hint);
  return { boundaries, granularityOf, nativeResolution: granularities[finest]!.resolution };
}

/** Whether an instant is a boundary of the granularity's rows; trivially so where the rows are the buckets. */
function boundaryTest(granularity: Granularity, range: ResolvedRange): (ms: number) => boolean {
  if (granularity.resolution === range.resolution && granularity.zone === range.timeZone) return () => true;
  const clock = new BucketGrid(granularity.resolution, granularity.zone);
  return (ms) => clock.isBoundary(ms);
}

function refuseMisaligned(range: ResolvedRange, provider: ProviderName, native: Granularity, start: number, end: number): never {
  const { resolution, timeZone } = range;
  const nativeClock = new BucketGrid(native.resolution, native.zone);
  const inside = nativeClock.isBoundary(start) ? end : start;
  const advice =
    timeZone === native.zone
      ? `${resolution} buckets are not made of whole ${native.resolution} readings; ask for ${native.resolution} or a resolution whose buckets are.`
      : `Ask in a time zone whose boundaries line up with ${native.zone}'s, such as ${native.zone} itself.`;
  const fail: Refuse = refusal(provider);
  fail(
    `${resolution} buckets in ${timeZone} do not line up with ${provider}'s ${native.resolution} readings (cut in ${native.zone}): ` +
      `the boundary ${localIso(inside, timeZone)} falls inside a native reading, which cannot be split. ${advice}`,
    'range.timeZone',
    { nativeResolution: native.resolution, nativeTimeZone: native.zone },
  );
}
