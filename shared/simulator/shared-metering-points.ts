import type { LoadProfileOptions } from './load-profile.js';

/**
 * Metering points that several simulators seed, so that the cross-provider join
 * (`meteringPoint(id)`) finds the same physical connection at several providers, as it would for a
 * building whose owner uses more than one of them. Each simulator seeds the ones its provider could
 * plausibly know (an EAN is Dutch/Nordic-style, 18 digits with a GS1 check digit; an MPAN is British).
 */
export const SHARED_METERING_POINTS = {
  /** A Dutch office building: UMeter's first connection; also at Openvolt (EDSN), Volue, EnerKey and Intellimeter. */
  officeEan: '871687120000000011',
  /** A Dutch school with solar panels (it exports): UMeter's second connection; also at Openvolt (Kenter), EnerKey and Intellimeter. */
  schoolEan: '871687120000000028',
  /** A Dutch home with an EV: UMeter's third connection; also at Volue. */
  homeEan: '871687120000000035',
  /** Openvolt's test MPAN ("always complete data"); also known to Volue and EnerKey. */
  testMpan: '9999999999999',
} as const;

/**
 * The building load of the shared Dutch connections: UMeter's and Openvolt's simulators both measure
 * consumption from these, so the same connection reports the same energy through either provider (the
 * school's UMeter import is this load less its solar output).
 */
export const SHARED_LOAD_PROFILES: Readonly<Record<string, LoadProfileOptions>> = {
  [SHARED_METERING_POINTS.officeEan]: { seed: SHARED_METERING_POINTS.officeEan, baseKw: 4, peakKw: 30 },
  [SHARED_METERING_POINTS.schoolEan]: { seed: SHARED_METERING_POINTS.schoolEan, baseKw: 2, peakKw: 18 },
  [SHARED_METERING_POINTS.homeEan]: { seed: SHARED_METERING_POINTS.homeEan, baseKw: 0.25, peakKw: 2.5 },
};
