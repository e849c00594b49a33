import type { LoadProfileOptions, WeeklyStretch } from './load-profile.js';

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
  /**
   * A Dutch logistics depot: UMeter's fourth connection; also at Openvolt (EDSN), and at no one else. Both
   * read its one load, so they agree, except where the seed departs on purpose (DEPOT_DEPARTURES): a gap
   * for the metering composite to fill and a disagreement for it to show.
   */
  depotEan: '871687120000000042',
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
  [SHARED_METERING_POINTS.depotEan]: { seed: SHARED_METERING_POINTS.depotEan, baseKw: 6, peakKw: 24 },
};

/**
 * Where the depot's two providers depart from its shared load, weekly so that any week (last week
 * included) shows both. The Openvolt and UMeter CONTRACT.md seed sections describe them.
 */
export const DEPOT_DEPARTURES: { openvoltGap: WeeklyStretch; umeterOverRead: WeeklyStretch & { factor: number } } = {
  /** Tuesdays 08:00-12:00 UTC Openvolt has no data (its half hours are absent); UMeter measured them. */
  openvoltGap: { weekday: 2, fromHour: 8, toHour: 12 },
  /** Thursdays 13:00-17:00 UTC UMeter's meter reads 25% high; Openvolt measured the true load. */
  umeterOverRead: { weekday: 4, fromHour: 13, toHour: 17, factor: 1.25 },
};
