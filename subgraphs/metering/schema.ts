import { DateTimeScalar } from '../../shared/time/date-time-scalar.js';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MeteringPoint, Provider } from '../../shared/graph/index.js';
import type { ProviderName } from '../../shared/graph/provider-names.js';
import { EnergyUnit, Reading, ReadingQuality, Resolution } from '../../shared/time/index.js';
import { TimeZoneScalar } from '../../shared/time/time-zone-scalar.js';
import { MergePolicy } from './merge.js';

/** The merged answers' types: every one of them is this subgraph's own (the providers' TimeSeries is theirs). */

registerEnumType(MergePolicy, {
  name: 'MergePolicy',
  description: 'How a connection’s series from several providers become one, bucket by bucket.',
  valuesConfig: {
    BEST_QUALITY: {
      description:
        'The best quality any provider has for the bucket (MEASURED over ESTIMATED over MISSING); a tie goes to the provider that comes first in `sources`, or else in the configured priority (METERING_PROVIDER_PRIORITY).',
    },
    PRIORITY: { description: 'The first provider in `sources` (else the configured priority) that has the bucket, whatever its quality.' },
  },
});

export enum ContributionStatus {
  OK = 'OK',
  REFUSED = 'REFUSED',
  FAILED = 'FAILED',
}

registerEnumType(ContributionStatus, {
  name: 'ContributionStatus',
  description: 'What became of one provider’s part of a merged answer.',
  valuesConfig: {
    OK: { description: 'Its series is part of the merge.' },
    REFUSED: {
      description:
        'It cannot serve this range (a finer resolution than it records, a longer span than it serves, a meter without energy): left out, no error.',
    },
    FAILED: { description: 'It failed: left out, and its coded error is in the response’s `errors`.' },
  },
});

@ObjectType('SourcedReading', { description: 'A merged reading: energy over [start, end) and the provider it came from.' })
export class SourcedReading {
  @Field(() => DateTimeScalar, { description: 'First instant of the bucket (inclusive).' })
  start: Date;

  @Field(() => DateTimeScalar, { description: 'Instant the bucket ends (exclusive).' })
  end: Date;

  @Field(() => Float, { nullable: true, description: 'Energy in the series’ unit; null exactly when quality is MISSING.' })
  value: number | null;

  @Field(() => ReadingQuality, { description: 'The quality of the value taken.' })
  quality: ReadingQuality;

  @Field(() => Provider, { nullable: true, description: 'The provider whose value this is; null when no provider has the bucket.' })
  source: ProviderName | null;
}

@ObjectType('SeriesContribution', { description: 'One provider’s part of a merged answer for a metering point.' })
export class SeriesContribution {
  @Field(() => Provider, { description: 'The provider.' })
  provider: ProviderName;

  @Field(() => ContributionStatus, { description: 'Whether its series is in, refused, or failed.' })
  status: ContributionStatus;

  @Field(() => [ID], {
    description: 'The provider’s meters at this metering point whose series were read (several: the best per bucket among them).',
  })
  meterIds: string[];

  @Field(() => Float, { nullable: true, description: 'The provider’s own total over the buckets it has (null unless OK).' })
  total: number | null;

  @Field(() => Int, { nullable: true, description: 'Buckets the provider has MISSING (null unless OK).' })
  missing: number | null;

  @Field(() => Int, { description: 'Buckets of the merged series whose value is this provider’s.' })
  chosen: number;

  @Field(() => String, {
    nullable: true,
    description: 'Why it was refused or failed: its error code (FAILED: the same error is in `errors`).',
  })
  code: string | null;

  @Field(() => String, { nullable: true, description: 'Why it was refused or failed, as the provider’s subgraph said.' })
  message: string | null;
}

/** The bucket grid a merged answer is cut in: the asked range, widened to whole buckets. */
@ObjectType()
export abstract class BucketWindow {
  @Field(() => Resolution, { description: 'Length of each bucket, as asked.' })
  resolution: Resolution;

  @Field(() => EnergyUnit, { description: 'Unit of every value and total.' })
  unit: EnergyUnit;

  @Field(() => TimeZoneScalar, { description: 'IANA time zone the buckets are cut in.' })
  timeZone: string;

  @Field(() => DateTimeScalar, { description: 'Start of the window covered (inclusive), widened to a bucket boundary.' })
  from: Date;

  @Field(() => DateTimeScalar, { description: 'End of the window covered (exclusive), widened to a bucket boundary.' })
  to: Date;
}

@ObjectType('MergedTimeSeries', {
  description:
    'One series for a metering point merged from every provider that knows it, built by the time-series kit: the same buckets, units, totals and compact form as TimeSeries, and for each value its source.',
})
export class MergedTimeSeries extends BucketWindow {
  @Field(() => Float, { description: 'Sum of the merged buckets that are not MISSING.' })
  total: number;

  @Field(() => Int, { description: 'Number of buckets.' })
  count: number;

  @Field(() => Int, { description: 'Buckets no provider has: still MISSING after the merge.' })
  missing: number;

  @Field(() => Int, { description: 'Buckets some provider has MISSING that another provider filled.' })
  filled: number;

  @Field(() => [SourcedReading], { description: 'One reading per bucket, in time order, each with its source.' })
  readings: SourcedReading[];

  @Field(() => [Float], { nullable: 'items', description: 'The compact form: the readings’ values in order, null where MISSING.' })
  values: Array<number | null>;

  @Field(() => [Provider], {
    nullable: 'items',
    description: 'The compact form’s sources: sources[i] gave values[i] (null where MISSING).',
  })
  sources: Array<ProviderName | null>;

  @Field(() => [DateTimeScalar], { description: 'The compact form’s time axis: starts[i] is where the bucket of values[i] starts.' })
  starts: Date[];

  @Field(() => MergePolicy, { description: 'The policy the buckets were merged under.' })
  policy: MergePolicy;

  @Field(() => [SeriesContribution], {
    description: 'Each provider that knows this metering point, in the order its values were preferred.',
  })
  contributions: SeriesContribution[];

  @Field(() => Boolean, {
    description: 'True when a provider that knows this metering point failed: the series is merged from the others.',
  })
  partial: boolean;
}

@InputType('DiscrepancyTolerance', {
  description: 'How far two MEASURED values may differ and still agree: a difference within either bound is tolerated.',
})
export class DiscrepancyTolerance {
  @Field(() => Float, { defaultValue: 0, description: 'In the range’s unit (default 0).' })
  absolute: number = 0;

  @Field(() => Float, { defaultValue: 0, description: 'Of the larger of the two values: 0.05 tolerates 5 % (default 0).' })
  relative: number = 0;
}

@ObjectType('ProviderValue', { description: 'One provider’s value of a bucket.' })
export class ProviderValue {
  @Field(() => Provider, { description: 'The provider that measured the value.' })
  provider: ProviderName;

  @Field(() => Float, { description: 'Its value, in the range’s unit.' })
  value: number;
}

@ObjectType('Discrepancy', { description: 'A bucket that providers which all MEASURED it report differently, beyond the tolerance.' })
export class Discrepancy {
  @Field(() => DateTimeScalar, { description: 'First instant of the bucket (inclusive).' })
  start: Date;

  @Field(() => DateTimeScalar, { description: 'Instant the bucket ends (exclusive).' })
  end: Date;

  @Field(() => [ProviderValue], { description: 'Every provider that MEASURED the bucket, with its value.' })
  values: ProviderValue[];

  @Field(() => Float, { description: 'Largest minus smallest value.' })
  difference: number;

  @Field(() => Float, { description: 'The difference over the largest value (0 when all are 0).' })
  relativeDifference: number;
}

@ObjectType('DiscrepancyReport', { description: 'Where the providers that know a metering point disagree, and their totals side by side.' })
export class DiscrepancyReport extends BucketWindow {
  @Field(() => [Discrepancy], { description: 'The buckets that disagree, in time order.' })
  buckets: Discrepancy[];

  @Field(() => [SeriesContribution], {
    description: 'Each provider’s total over the range, side by side (`chosen` is 0: nothing is merged here).',
  })
  totals: SeriesContribution[];

  @Field(() => Boolean, { description: 'True when a provider that knows this metering point failed: compared without it.' })
  partial: boolean;
}

@ObjectType('PortfolioConnection', { description: 'One connection of a portfolio total, with its own merged series.' })
export class PortfolioConnection {
  @Field(() => MeteringPoint, { description: 'The connection: everything every provider knows about it is reachable from here.' })
  meteringPoint: MeteringPoint;

  @Field(() => MergedTimeSeries, {
    description: 'Its series merged from every provider that knows it (as `MeteringPoint.consumption`): what the portfolio adds up.',
  })
  series: MergedTimeSeries;
}

@ObjectType('PortfolioTimeSeries', {
  description:
    'One series for a set of connections: their merged series summed bucket by bucket in the asked zone, built by the time-series kit (the same buckets, totals and compact form as TimeSeries).',
})
export class PortfolioTimeSeries extends BucketWindow {
  @Field(() => Float, { description: 'Sum of the buckets that are not MISSING.' })
  total: number;

  @Field(() => Int, { description: 'Number of buckets.' })
  count: number;

  @Field(() => Int, { description: 'Buckets that are MISSING because some connection has no value for them.' })
  missing: number;

  @Field(() => [Reading], {
    description:
      'One reading per bucket, in time order. A bucket is complete only when every connection’s is: MISSING (value null) when any connection’s bucket is MISSING, for the sum of the others is not the portfolio’s energy; else ESTIMATED when any connection’s value is; else MEASURED.',
  })
  readings: Reading[];

  @Field(() => [Float], { nullable: 'items', description: 'The compact form: the readings’ values in order, null where MISSING.' })
  values: Array<number | null>;

  @Field(() => [DateTimeScalar], { description: 'The compact form’s time axis: starts[i] is where the bucket of values[i] starts.' })
  starts: Date[];

  @Field(() => MergePolicy, { description: 'The policy each connection’s buckets were merged under.' })
  policy: MergePolicy;

  @Field(() => [PortfolioConnection], { description: 'Each connection, in the order asked (a repeated id once), with its merged series.' })
  connections: PortfolioConnection[];

  @Field(() => Boolean, {
    description:
      'True when a provider failed for some connection: that connection is merged from the others (see its `series.contributions`).',
  })
  partial: boolean;
}
