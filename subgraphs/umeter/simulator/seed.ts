import {
  createLoadProfile,
  DEPOT_DEPARTURES,
  SHARED_LOAD_PROFILES,
  SHARED_METERING_POINTS,
  uuidFromSeed,
  type LoadProfile,
  type WeeklyStretch,
} from '../../../shared/simulator/index.js';
import type { UmeterCustomerRecord } from '../contract.js';

/**
 * The simulator's seed (CONTRACT.md, "Customer"): one customer with four addresses whose EANs are the
 * shared metering points: an office, a school with solar panels that exports, a home, and a depot whose
 * meter over-reads one weekly stretch (DEPOT_DEPARTURES). Energy is not
 * stored: each site's meter records its seeded load minus its panels' output (store.ts).
 */

/** An address as seeded: what the customer answer shows of it, and its load and panels, which it does not. */
export interface SeededSite {
  ean: string;
  addressId: number;
  title: string;
  street: string;
  buildingNr: number;
  city: string;
  zipCode: string;
  yearBuilt: number;
  sqMeters: number;
  buildingType: string;
  residents: number;
  supplier: string;
  pricePeak: number;
  priceOffPeak: number;
  flatFee: number;
  /** Peak solar output (kW); 0 = no panels, never exports. */
  solarKw: number;
  load: LoadProfile;
  /** A weekly stretch where the meter reads its load `factor` times too high (the depot's seeded disagreement). */
  overRead?: WeeklyStretch & { factor: number };
}

export const SEED_SITES: readonly SeededSite[] = [
  {
    ean: SHARED_METERING_POINTS.officeEan,
    addressId: 71001,
    title: 'Kantoor Catharijnesingel',
    street: 'Catharijnesingel',
    buildingNr: 47,
    city: 'Utrecht',
    zipCode: '3511gc',
    yearBuilt: 1998,
    sqMeters: 2400,
    buildingType: 'Office',
    residents: 0,
    supplier: 'Eneco',
    pricePeak: 0.26119,
    priceOffPeak: 0.20976,
    flatFee: 64.8,
    solarKw: 0,
    load: createLoadProfile(SHARED_LOAD_PROFILES[SHARED_METERING_POINTS.officeEan]!),
  },
  {
    ean: SHARED_METERING_POINTS.schoolEan,
    addressId: 71002,
    title: 'Basisschool De Zonnewijzer',
    street: 'Schoolstraat',
    buildingNr: 12,
    city: 'Gouda',
    zipCode: '2801hr',
    yearBuilt: 2011,
    sqMeters: 1800,
    buildingType: 'School',
    residents: 0,
    supplier: 'Vattenfall',
    pricePeak: 0.24503,
    priceOffPeak: 0.21877,
    flatFee: 71.4,
    solarKw: 40,
    load: createLoadProfile(SHARED_LOAD_PROFILES[SHARED_METERING_POINTS.schoolEan]!),
  },
  {
    ean: SHARED_METERING_POINTS.homeEan,
    addressId: 71003,
    title: 'Heuvellaan',
    street: 'Heuvellaan',
    buildingNr: 8,
    city: 'Gouda',
    zipCode: '2803dn',
    yearBuilt: 2001,
    sqMeters: 110,
    buildingType: 'Row',
    residents: 4,
    supplier: 'Greenchoice',
    pricePeak: 0.27311,
    priceOffPeak: 0.22004,
    flatFee: 59.4,
    solarKw: 0,
    load: createLoadProfile(SHARED_LOAD_PROFILES[SHARED_METERING_POINTS.homeEan]!),
  },
  {
    ean: SHARED_METERING_POINTS.depotEan,
    addressId: 71004,
    title: 'Distributiecentrum Waalhaven',
    street: 'Waalhaven Oostzijde',
    buildingNr: 80,
    city: 'Rotterdam',
    zipCode: '3087bm',
    yearBuilt: 2016,
    sqMeters: 12000,
    buildingType: 'Industrial',
    residents: 0,
    supplier: 'Eneco',
    pricePeak: 0.23874,
    priceOffPeak: 0.19912,
    flatFee: 88.2,
    solarKw: 0,
    load: createLoadProfile(SHARED_LOAD_PROFILES[SHARED_METERING_POINTS.depotEan]!),
    overRead: DEPOT_DEPARTURES.umeterOverRead,
  },
];

export const SEED_CUSTOMER_ID = uuidFromSeed('umeter:customer');

/** `GET /api/customer` for the account `email`, field for field the shape of UMeter's real answer. */
export function seedCustomer(email: string): UmeterCustomerRecord {
  return {
    id: SEED_CUSTOMER_ID,
    surName: 'Gridgraph Facilities',
    email,
    adviserCode: 'umeter',
    hasAcceptedGDPR: true,
    hasAcceptedNewsLetter: false,
    emailSettings: {
      newFeatures: false,
      usageNotificationDaily: false,
      usageNotificationWeekly: true,
      usageNotificationMonthly: true,
      energyContractAlarm: true,
    },
    lang: 'NL',
    addresses: SEED_SITES.map((site) => ({
      id: site.addressId,
      gId: uuidFromSeed(`umeter:address:${site.addressId}`),
      title: site.title,
      status: 'Ok',
      elecMeterNumber: `E00${site.addressId}`,
      street: site.street,
      buildingNr: site.buildingNr,
      buildingNrEx: '',
      city: site.city,
      zipCode: site.zipCode,
      yearBuilt: site.yearBuilt,
      sqMeters: site.sqMeters,
      buildingType: site.buildingType,
      residents: site.residents,
      knmiStationId: 260,
      supplier: site.supplier,
      energyContractEndsOn: '20271231',
      contractAlarm: true,
      bba: 25.0,
      bbaGoal: 25.0,
      inclVAT: true,
      shouldUseOnlyCommercialTariffs: false,
      energyYearStartsOn: 1,
      energyContractStartsOn: '20250101',
      eEan: {
        ean: site.ean,
        pricePeak: site.pricePeak,
        priceOffPeak: site.priceOffPeak,
        flatFee: site.flatFee,
        peakHourEndsOn: 23,
        status: 'Ok',
      },
      tussenMeters: [],
      inbetweenMeters: [],
      devices: [{ id: site.ean, name: 'Main elec meter', type: 'mainelec' }],
      createdAt: '2025-01-06T09:12:40.113Z',
    })),
    tussenMeters: [],
    p1Devices: [],
    isDemoCustomer: false,
  };
}
