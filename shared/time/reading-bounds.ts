// Apart from the pipeline (and its type-graphql classes), so settings modules can read it without reflect-metadata.
/**
 * The physical bound of a provider's readings (`<PROVIDER>_MAX_KWH_PER_HOUR`): the most energy one
 * interval may hold is this many kWh for each hour it lasts. A value beyond it (or not finite) is no
 * measurement but a fault or a forgery: it is read as MISSING, so that it can neither overflow a sum
 * nor fail the series of the meter, let alone of the other meters loaded with it.
 */
export interface ReadingBounds {
  maxKwhPerHour: number;
}

/** A million kWh an hour, an average of 1 GW: more than any one metering point draws or feeds in. */
export const DEFAULT_READING_BOUNDS: ReadingBounds = { maxKwhPerHour: 1_000_000 };
