/**
 * What the connector and the simulator share of Intellimeter's API (its wire formats are in wire.ts).
 */

/** The zone of the seeded site, and INTELLIMETER_TIME_ZONE's default: Intellimeter's timestamps carry none. */
export const INTELLIMETER_DEFAULT_TIME_ZONE = 'America/Toronto';
