import { DateTimeScalar } from './date-time-scalar.js';
import { Directive, Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TimeZoneScalar } from './time-zone-scalar.js';

/*
 * The time-series vocabulary every provider subgraph shares (DESIGN.md, "The graph" and "Time series").
 * Each subgraph that exposes readings includes these classes in its own schema; the object types are
 * `@shareable` so that composition accepts the identical declarations from several subgraphs.
 *
 * tsx/esbuild ignores `emitDecoratorMetadata`, so every decorator below names its GraphQL type
 * explicitly (`@Field(() => Float)`); without that, tsx and vitest would see no type at all.
 */

/** How long one reading lasts. Values equal names so they read the same in logs, JSON and GraphQL. */
export enum Resolution {
  FIVE_MINUTES = 'FIVE_MINUTES',
  QUARTER_HOUR = 'QUARTER_HOUR',
  HALF_HOUR = 'HALF_HOUR',
  HOUR = 'HOUR',
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
  YEAR = 'YEAR',
}

registerEnumType(Resolution, {
  name: 'Resolution',
  description:
    'How long each reading of a time series lasts, and where its buckets are cut in the requested time zone (the one rule, for every zone). ' +
    'FIVE_MINUTES to HOUR: a bucket starts at every instant whose local wall-clock time is a whole multiple of its length, and ends at the next ' +
    'such instant; buckets follow each other in absolute time, so the hour a fall-back repeats is cut twice and the hour a spring-forward skips ' +
    'not at all. DAY to YEAR: a bucket runs from the local start of the calendar period to the local start of the next one. A bucket therefore ' +
    'lasts its nominal length except where the zone changes its UTC offset inside it; TimeSeries.starts gives the start of every bucket.',
  valuesConfig: {
    FIVE_MINUTES: { description: 'Cut at :00, :05, :10 … on the local clock: 5 minutes in every zone that keeps whole-5-minute offsets.' },
    QUARTER_HOUR: {
      description: 'Cut at :00, :15, :30 and :45 on the local clock: 15 minutes, in every zone whose offsets are whole quarter hours.',
    },
    HALF_HOUR: {
      description:
        'Cut at :00 and :30 on the local clock: 30 minutes wherever offsets are whole half hours (Asia/Kathmandu, +05:45, is not: there it ' +
        'starts at :15 and :45 UTC). A Europe/London day has 46, 48 or 50 of them.',
    },
    HOUR: {
      description:
        'Cut on each local whole hour (:30 UTC in Asia/Kolkata, :15 UTC in Asia/Kathmandu): 60 minutes, two separate buckets for the hour a ' +
        'fall-back repeats, none for the hour a spring-forward skips. Where clocks shift by 30 minutes (Australia/Lord_Howe) the bucket ' +
        'holding the shift lasts 90 minutes (local 01:00 to 03:00 on the spring day, and 01:00 through the repeated 01:30–02:00 to 02:00 ' +
        'on the autumn day), so those days have 23 and 24 hourly buckets.',
    },
    DAY: {
      description:
        'Local midnight to the next local midnight: 23, 24 or 25 hours across a one-hour DST change (23.5 or 24.5 in Australia/Lord_Howe). ' +
        'Where a day has no midnight (America/Santiago springs forward at 00:00) it starts at its first instant, 01:00.',
    },
    WEEK: {
      description: 'ISO week: the start of Monday to the start of the next Monday, local time (167, 168 or 169 hours across a DST change).',
    },
    MONTH: { description: 'Calendar month: the start of the 1st to the start of the next 1st, local time.' },
    YEAR: { description: 'Calendar year: the start of 1 January to the start of the next 1 January, local time.' },
  },
});

/** Energy units. Every value in a series is energy (not power) in the series' unit. */
export enum EnergyUnit {
  WH = 'WH',
  KWH = 'KWH',
  MWH = 'MWH',
}

registerEnumType(EnergyUnit, {
  name: 'EnergyUnit',
  description: 'Unit of energy in which reading values and totals are expressed.',
  valuesConfig: {
    WH: { description: 'Watt-hour (Wh).' },
    KWH: { description: 'Kilowatt-hour (kWh) = 1,000 Wh. The unit on most electricity bills.' },
    MWH: { description: 'Megawatt-hour (MWh) = 1,000,000 Wh.' },
  },
});

/** How much to trust a reading. Ordered from best to worst: MEASURED, ESTIMATED, MISSING. */
export enum ReadingQuality {
  MEASURED = 'MEASURED',
  ESTIMATED = 'ESTIMATED',
  MISSING = 'MISSING',
}

registerEnumType(ReadingQuality, {
  name: 'ReadingQuality',
  description: 'How trustworthy a reading is. A resampled reading takes the worst quality of the native readings it sums.',
  valuesConfig: {
    MEASURED: { description: 'Every part of the period was measured by the meter.' },
    ESTIMATED: {
      description: 'At least part of the period was estimated or substituted by the provider; the rest was measured.',
    },
    MISSING: {
      description:
        'At least part of the period has no data from the provider (a gap, or a reading the provider marked missing), or the period has not ended yet: ' +
        'a period that has not ended when the query is answered is always MISSING, whatever the provider says. The value is null.',
    },
  },
});

/** Plain shape of a reading; resolvers may return plain objects of this shape. */
export interface ReadingResult {
  start: Date;
  end: Date;
  value: number | null;
  quality: ReadingQuality;
}

/** Plain shape of a time series, as built by `buildTimeSeries`. */
export interface TimeSeriesResult {
  resolution: Resolution;
  nativeResolution: Resolution;
  unit: EnergyUnit;
  timeZone: string;
  from: Date;
  to: Date;
  total: number;
  count: number;
  missing: number;
  readings: ReadingResult[];
  /** The readings' values in order (null where MISSING): the compact form of `readings`. */
  values: Array<number | null>;
  /** Where each value's bucket starts: the compact form's time axis. */
  starts: Date[];
}

@ObjectType({
  description: 'Energy over one period [start, end): start is inclusive, end is exclusive. A reading is never stamped by its end.',
})
@Directive('@shareable')
export class Reading implements ReadingResult {
  @Field(() => DateTimeScalar, { description: 'First instant of the period (inclusive), ISO 8601 with offset.' })
  start: Date;

  @Field(() => DateTimeScalar, {
    description: 'Instant the period ends (exclusive): the start of the next reading. ISO 8601 with offset.',
  })
  end: Date;

  @Field(() => Float, {
    nullable: true,
    description:
      "Energy consumed during the period, in the series' unit. Null exactly when quality is MISSING; a gap is never reported as 0.",
  })
  value: number | null;

  @Field(() => ReadingQuality, { description: 'Whether the value was measured, estimated, or is missing.' })
  quality: ReadingQuality;
}

@ObjectType({
  description:
    "A meter's energy over a time window, resampled from the provider's native readings to the requested " +
    'resolution, unit and time zone. Readings are contiguous, in time order, and cover [from, to) exactly.',
})
@Directive('@shareable')
export class TimeSeries implements TimeSeriesResult {
  @Field(() => Resolution, { description: 'Length of each reading, as requested.' })
  resolution: Resolution;

  @Field(() => Resolution, {
    description:
      "Resolution of the provider's rows the readings are sums of: the finest it records for this meter, or a coarser one of its own " +
      "that makes up every asked bucket exactly (UMeter's daily values for DAY in Europe/Amsterdam), which costs fewer calls and rows.",
  })
  nativeResolution: Resolution;

  @Field(() => EnergyUnit, { description: 'Unit of every reading value and of total.' })
  unit: EnergyUnit;

  @Field(() => TimeZoneScalar, {
    description: 'IANA time zone in which calendar buckets (days, weeks, months, years) and local hours are cut.',
  })
  timeZone: string;

  @Field(() => DateTimeScalar, {
    description:
      'Start of the window actually covered (inclusive): the requested range.from moved back to the start of its ' +
      'bucket of `resolution` in `timeZone` (e.g. local midnight for DAY).',
  })
  from: Date;

  @Field(() => DateTimeScalar, {
    description:
      'End of the window actually covered (exclusive): the requested range.to moved forward to the next bucket ' +
      'boundary of `resolution` in `timeZone`, unless it already is one.',
  })
  to: Date;

  @Field(() => Float, {
    description: 'Sum of the values of all readings that are not MISSING, in `unit`. 0 when every reading is missing.',
  })
  total: number;

  @Field(() => Int, { description: 'Number of readings (buckets) in [from, to), missing ones included.' })
  count: number;

  @Field(() => Int, { description: 'Number of readings whose quality is MISSING (value null).' })
  missing: number;

  @Field(() => [Reading], { description: 'One reading per bucket of `resolution`, in time order, gaps included as MISSING.' })
  readings: Reading[];

  @Field(() => [Float], {
    nullable: 'items',
    description:
      'The compact form of `readings` for long series: their values in the same order, null where a reading is MISSING. ' +
      'values[i] covers [starts[i], starts[i + 1]), the last one until `to`. Much cheaper than `readings` for a year at HALF_HOUR; ' +
      'ask for `readings` when you need each quality.',
  })
  values: Array<number | null>;

  @Field(() => [DateTimeScalar], {
    description:
      "The compact form's time axis: starts[i] is the first instant of the bucket values[i] covers, ISO 8601 with offset; a bucket ends " +
      'where the next starts, the last at `to`. With it a client places every value without zone arithmetic of its own, also where ' +
      'a bucket is not its nominal length (see Resolution): `from` + i × 60 minutes is not the start of bucket i in Australia/Lord_Howe, ' +
      'nor `from` + i days across a DST change.',
  })
  starts: Date[];
}

@InputType({
  description:
    'Which readings to return: the window [from, to) and how to present it. The window is widened to whole ' +
    'buckets of `resolution` in `timeZone`; the returned TimeSeries.from/to say what was covered.',
})
export class ReadingRange {
  @Field(() => DateTimeScalar, {
    description:
      'Start of the window (inclusive), ISO 8601 with offset. Moved back to the start of its bucket (e.g. local midnight for DAY).',
  })
  from: Date;

  @Field(() => DateTimeScalar, {
    description:
      'End of the window (exclusive), ISO 8601 with offset; must be after `from`. Moved forward to the next bucket boundary unless it is one.',
  })
  to: Date;

  @Field(() => Resolution, {
    description: "Length of each returned reading. May not be finer than the provider's native resolution.",
  })
  resolution: Resolution;

  @Field(() => EnergyUnit, { defaultValue: EnergyUnit.KWH, description: 'Unit for values and total. Default KWH.' })
  unit: EnergyUnit = EnergyUnit.KWH;

  @Field(() => TimeZoneScalar, {
    defaultValue: 'UTC',
    description: 'IANA time zone (e.g. "Europe/London") in which days, weeks, months, years and local hours are cut. Default "UTC".',
  })
  timeZone: string = 'UTC';
}
