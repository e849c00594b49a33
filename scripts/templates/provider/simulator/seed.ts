import type { __Name__MeterRecord } from '../contract.js';

/**
 * The simulator's seed (CONTRACT.md, "Simulator seed"): one meter on a metering point of its own.
 * Readings are not stored: they come from a seeded load profile per meter (store.ts). Add the meters
 * your tests need; a meter on one of SHARED_METERING_POINTS (shared/simulator) joins other providers'.
 */

/** A meter as seeded: the API's record and the scale of its seeded load, which the API does not show. */
export interface SeededMeter extends __Name__MeterRecord {
  /** kW at peak. */
  peakKw: number;
}

/** No seeded readings before this instant (the meter was installed then). */
export const SEED_DATA_START_MS = Date.UTC(2024, 0, 1);

export const SEED_METER: SeededMeter = {
  id: 'meter-1',
  name: '__Label__ example meter',
  meteringPointId: '871687120000990011',
  peakKw: 12,
};

export function seedMeters(): SeededMeter[] {
  return [SEED_METER];
}
