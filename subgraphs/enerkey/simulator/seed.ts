import type { DateTime } from 'luxon';
import { fnv1a, SHARED_METERING_POINTS } from '../../../shared/simulator/index.js';
import type {
  EnerkeyActionRecord,
  EnerkeyFacilityRecord,
  EnerkeyMeterRecord,
  EnerkeyMeterType,
  EnerkeyQuantityRecord,
} from '../contract.js';

/**
 * The simulator's seed (CONTRACT.md, "Simulator seed"): four facilities, their eleven meters, the
 * quantities they measure and three actions. Hourly values are not stored: they come from a seeded load
 * profile per meter (store.ts), scaled to the meter's unit here.
 */

/** A meter as seeded: the API's record and the scale of its seeded load, which the API does not show. */
export interface SeededMeter extends EnerkeyMeterRecord {
  /** kW at peak. */
  peakKw: number;
  /** Created by provisioning: no seeded load, only what is pushed. */
  provisioned?: boolean;
}

/**
 * An alarm EnerKey raised for a meter's hour: the value shown is the meter's value for that hour, so
 * details and image agree with the values endpoints.
 */
export interface SeededAlarm {
  id: number;
  meterId: number;
  alarmType: 'ConsumptionAboveLimit' | 'ConsumptionBelowLimit' | 'MissingData';
  /** Start of the hour (epoch ms); raised 30 minutes after it ended. */
  hourMs: number;
  /** The limit crossed, as a share of the meter's peak hour (kWh). */
  limitShareOfPeak: number | null;
}

export function seedAlarms(): SeededAlarm[] {
  return [
    { id: 9001, meterId: 20001, alarmType: 'ConsumptionAboveLimit', hourMs: Date.UTC(2025, 0, 15, 9), limitShareOfPeak: 0.2 },
    { id: 9002, meterId: 20022, alarmType: 'ConsumptionBelowLimit', hourMs: Date.UTC(2025, 6, 2, 3), limitShareOfPeak: 2 },
    { id: 9003, meterId: 20031, alarmType: 'MissingData', hourMs: Date.UTC(2025, 10, 20, 14), limitShareOfPeak: null },
  ];
}

export const QUANTITIES: readonly EnerkeyQuantityRecord[] = [
  { id: 1, name: 'Electricity', unit: 'kWh' },
  { id: 2, name: 'Water', unit: 'm3' },
  { id: 3, name: 'District heating', unit: 'MWh' },
  { id: 4, name: 'Natural gas', unit: 'm3' },
  { id: 6, name: 'District cooling', unit: 'MWh' },
];

/** No seeded values before this instant (meters were installed then). */
export const SEED_DATA_START_MS = Date.UTC(2022, 0, 1);

/** Seeded kWh → the meter's unit (m³ of water or gas are scaled so that the numbers look plausible). */
export function unitFactor(meter: SeededMeter): number {
  if (meter.unit === 'MWh') return 0.001;
  if (meter.unit === 'm3') return meter.quantityId === 2 ? 0.01 : 0.1;
  return 1;
}

/** Weather normalization: a seeded ratio of normal to actual heating degree days for the month. */
export function normalizationFactor(meter: SeededMeter, month: DateTime): number {
  return 0.85 + ((fnv1a(`enerkey:hdd:${meter.facilityId}:${month.toFormat('yyyy-MM')}`) % 3001) / 3000) * 0.3;
}

export function seedFacilities(): EnerkeyFacilityRecord[] {
  return [
    facility(1001, 'Keizersgracht Office', ['Keizersgracht 123', '1015 CJ', 'Amsterdam', 'NL'], 'Europe/Amsterdam', [
      ['GrossArea', '4200', 'm2'],
      ['Volume', '14700', 'm3'],
      ['BuildYear', '1912'],
      ['FacilityType', 'Office'],
    ]),
    facility(1002, 'De Zonnewijzer School', ['Schoolstraat 8', '3581 PK', 'Utrecht', 'NL'], 'Europe/Amsterdam', [
      ['GrossArea', '2600', 'm2'],
      ['BuildYear', '1998'],
      ['FacilityType', 'School'],
      ['SolarPanels', '120', 'kWp'],
    ]),
    facility(1003, 'Thameside Cold Store', ['Unit 4, Riverside Industrial Estate', 'SE16 4DG', 'London', 'GB'], 'Europe/London', [
      ['GrossArea', '9800', 'm2'],
      ['FacilityType', 'Warehouse'],
    ]),
    facility(1004, 'Ruoholahti Headquarters', ['Itämerenkatu 5', '00180', 'Helsinki', 'FI'], 'Europe/Helsinki', [
      ['GrossArea', '12500', 'm2'],
      ['Volume', '48000', 'm3'],
      ['BuildYear', '2004'],
      ['FacilityType', 'Office'],
    ]),
  ];
}

/** A facility from its address lines (street, postal code, city, country) and properties (name, value, unit?). */
function facility(
  id: number,
  name: string,
  [streetAddress, postalCode, city, country]: [string, string, string, string],
  timeZone: string,
  properties: Array<[string, string, string?]>,
): EnerkeyFacilityRecord {
  return {
    id,
    name,
    enegiaId: `EK-${id}`,
    address: { streetAddress, postalCode, city, country },
    timeZone,
    properties: properties.map(([property, value, unit]) => ({ name: property, value, ...(unit ? { unit } : {}) })),
  };
}

/**
 * Which metering point seeded meters without one measure, as the stack's operator configures it (the
 * kit's metering-point mapping, by meter id): the Helsinki headquarters' main electricity meter carries
 * no metering point id at EnerKey, so its Finnish one (an 18-digit GSRN) is mapped. The other meters
 * without one (heat, water, submeters) stay unmapped.
 */
export const SEED_METERING_POINTS: Record<string, string> = {
  '20031': '643007574000102317',
};

export function seedMeters(): SeededMeter[] {
  return [
    meter(20001, 1001, 'Main electricity', 1, 'consumption', 40, SHARED_METERING_POINTS.officeEan),
    meter(20002, 1001, 'District heating', 3, 'cumulative', 60),
    meter(20003, 1001, 'Water', 2, 'cumulative', 10),
    meter(20011, 1002, 'School electricity', 1, 'consumption', 25, SHARED_METERING_POINTS.schoolEan),
    meter(20012, 1002, 'Gas boiler', 4, 'cumulative', 50),
    meter(20021, 1003, 'Main incomer', 1, 'consumption', 120, SHARED_METERING_POINTS.testMpan),
    meter(20022, 1003, 'Blast freezer hall', 1, 'consumption', 70),
    meter(20031, 1004, 'Building electricity', 1, 'consumption', 150),
    meter(20032, 1004, 'District heating', 3, 'cumulative', 200),
    meter(20033, 1004, 'District cooling', 6, 'cumulative', 80),
    meter(20034, 1004, 'Data centre', 1, 'consumption', 90),
  ];
}

function meter(
  id: number,
  facilityId: number,
  name: string,
  quantityId: number,
  meterType: EnerkeyMeterType,
  peakKw: number,
  meteringPointId?: string,
): SeededMeter {
  const quantity = QUANTITIES.find((q) => q.id === quantityId)!;
  return { id, facilityId, name, quantityId, unit: quantity.unit, meterType, peakKw, ...(meteringPointId ? { meteringPointId } : {}) };
}

export function seedActions(): EnerkeyActionRecord[] {
  return [
    {
      id: 501,
      facilityId: 1001,
      meterIds: [20001],
      type: 'EnergySavingAction',
      status: 'InProgress',
      title: 'Replace office lighting with LED',
      description: 'Floors 1 to 4; motion sensors in meeting rooms.',
      startDate: '2025-03-01',
      endDate: null,
      investment: 48000,
      expectedSavingsKwh: 62000,
      modifiedAt: '2025-03-01T09:00:00Z',
    },
    {
      id: 502,
      facilityId: 1004,
      meterIds: [20032],
      type: 'EnergySavingAction',
      status: 'Planned',
      title: 'Tune district heating night setback',
      description: 'Lower supply temperature 22:00–05:00.',
      startDate: '2025-10-01',
      endDate: '2026-04-30',
      investment: 2500,
      expectedSavingsKwh: 120000,
      modifiedAt: '2025-09-12T13:30:00Z',
    },
    {
      id: 503,
      facilityId: 1003,
      meterIds: [20022],
      type: 'Comment',
      status: 'Completed',
      title: 'Freezer door seals replaced',
      description: 'Consumption dropped about 6 % after the repair.',
      startDate: '2024-11-04',
      endDate: '2024-11-05',
      investment: null,
      expectedSavingsKwh: null,
      modifiedAt: '2024-11-06T08:15:00Z',
    },
  ];
}
