import { DateTimeScalar } from '../../shared/time/date-time-scalar.js';
import { Directive, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Meter, nationalMeterPointId } from '../../shared/graph/index.js';
import type { ProviderName } from '../../shared/graph/provider-names.js';
import { Resolution } from '../../shared/time/index.js';
import type { P4Interval, P4Usage } from './client.js';
import type { Registers, UmeterAddressRecord, UmeterCustomerRecord } from './contract.js';

/** UMeter's entities as GraphQL types. Records from the connector map in here. */

@ObjectType('UmeterDevice', {
  description: 'A meter or device UMeter lists at an address (the main electricity meter carries the EAN as its id).',
})
export class UmeterDevice {
  @Field(() => String, { description: 'UMeter’s id of the device; for the main electricity meter, the EAN.' })
  id: string;

  @Field(() => String, { nullable: true, description: 'The device’s name, e.g. "Main elec meter".' })
  name: string | null;

  @Field(() => String, { nullable: true, description: 'UMeter’s device type, e.g. "mainelec" for the main electricity meter.' })
  type: string | null;
}

@ObjectType('UmeterCustomer', {
  description: 'The UMeter account this service logs in as (the customer whose addresses and connections it reads).',
})
@Directive('@key(fields: "id")')
export class UmeterCustomer {
  @Field(() => ID, { description: 'UMeter’s id of the customer (a UUID).' })
  id: string;

  @Field(() => String, { nullable: true, description: 'The customer’s name (UMeter’s surName field).' })
  name: string | null;

  @Field(() => String, { nullable: true, description: 'The customer’s email address; also the login name.' })
  email: string | null;

  @Field(() => String, { nullable: true, description: 'Language of the account, e.g. "NL".' })
  language: string | null;

  @Field(() => String, { nullable: true, description: 'Code of the energy adviser the account belongs to.' })
  adviserCode: string | null;

  @Field(() => Boolean, { description: 'True for UMeter’s demonstration accounts.' })
  isDemoCustomer: boolean;

  record: UmeterCustomerRecord;

  static fromRecord(record: UmeterCustomerRecord): UmeterCustomer {
    return Object.assign(new UmeterCustomer(), {
      id: record.id,
      name: record.surName ?? null,
      email: record.email ?? null,
      language: record.lang ?? null,
      adviserCode: record.adviserCode ?? null,
      isDemoCustomer: record.isDemoCustomer ?? false,
      record,
    });
  }
}

@ObjectType('UmeterAddress', {
  description: 'A building of the UMeter customer, with its electricity connection (EAN), supplier and contract.',
})
@Directive('@key(fields: "id")')
export class UmeterAddress {
  @Field(() => ID, { description: 'UMeter’s numeric id of the address, as a string.' })
  id: string;

  @Field(() => String, { nullable: true, description: 'UMeter’s global id of the address (a UUID).' })
  globalId: string | null;

  @Field(() => String, { nullable: true, description: 'The name the customer gave the address.' })
  title: string | null;

  @Field(() => String, { nullable: true, description: 'UMeter’s status of the address, e.g. "Ok".' })
  status: string | null;

  @Field(() => String, { nullable: true, description: 'Street name.' })
  street: string | null;

  @Field(() => Int, { nullable: true, description: 'House number.' })
  buildingNumber: number | null;

  @Field(() => String, { nullable: true, description: 'House number addition (e.g. "A"); empty when none.' })
  buildingNumberExtension: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code as UMeter stores it, e.g. "2803dn".' })
  zipCode: string | null;

  @Field(() => String, { nullable: true, description: 'City.' })
  city: string | null;

  @Field(() => Int, { nullable: true, description: 'Year the building was built.' })
  yearBuilt: number | null;

  @Field(() => Int, { nullable: true, description: 'Floor area in square metres.' })
  floorAreaSquareMeters: number | null;

  @Field(() => String, { nullable: true, description: 'Kind of building as UMeter records it, e.g. "Row", "Office", "School".' })
  buildingType: string | null;

  @Field(() => Int, { nullable: true, description: 'Number of residents (0 for non-residential buildings).' })
  residents: number | null;

  @Field(() => String, { nullable: true, description: 'The energy supplier, e.g. "Eneco".' })
  supplier: string | null;

  @Field(() => String, { nullable: true, description: 'First day of the energy contract, YYYY-MM-DD.' })
  energyContractStartsOn: string | null;

  @Field(() => String, { nullable: true, description: 'Last day of the energy contract, YYYY-MM-DD.' })
  energyContractEndsOn: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the address’s prices include VAT.' })
  pricesIncludeVat: boolean | null;

  @Field(() => [UmeterDevice], { description: 'Meters and devices UMeter lists at the address.' })
  devices: UmeterDevice[];

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the address was added to UMeter (UTC).' })
  createdAt: Date | null;

  record: UmeterAddressRecord;

  static fromRecord(record: UmeterAddressRecord): UmeterAddress {
    return Object.assign(new UmeterAddress(), {
      id: String(record.id),
      globalId: record.gId ?? null,
      title: record.title ?? null,
      status: record.status ?? null,
      street: record.street ?? null,
      buildingNumber: record.buildingNr ?? null,
      buildingNumberExtension: record.buildingNrEx ?? null,
      zipCode: record.zipCode ?? null,
      city: record.city ?? null,
      yearBuilt: record.yearBuilt ?? null,
      floorAreaSquareMeters: record.sqMeters ?? null,
      buildingType: record.buildingType ?? null,
      residents: record.residents ?? null,
      supplier: record.supplier ?? null,
      energyContractStartsOn: isoDay(record.energyContractStartsOn),
      energyContractEndsOn: isoDay(record.energyContractEndsOn),
      pricesIncludeVat: record.inclVAT ?? null,
      devices: (record.devices ?? []).map((device) =>
        Object.assign(new UmeterDevice(), { id: device.id, name: device.name ?? null, type: device.type ?? null }),
      ),
      createdAt: record.createdAt && !Number.isNaN(Date.parse(record.createdAt)) ? new Date(record.createdAt) : null,
      record,
    });
  }
}

@ObjectType('UmeterConnection', {
  implements: Meter,
  description:
    'An electricity connection of a UMeter address, identified by its 18-digit EAN. Import and export are measured per quarter hour; UMeter also serves daily and monthly values (days and months of Europe/Amsterdam).',
})
@Directive('@key(fields: "id")')
export class UmeterConnection extends Meter {
  @Field(() => String, { description: 'The EAN: the 18-digit Dutch metering point id of the connection (the same as id).' })
  ean: string;

  @Field(() => String, { nullable: true, description: 'UMeter’s status of the connection, e.g. "Ok".' })
  status: string | null;

  @Field(() => Float, { nullable: true, description: 'Price per kWh on the normal (peak) tariff, in EUR.' })
  pricePeak: number | null;

  @Field(() => Float, { nullable: true, description: 'Price per kWh on the low (off-peak, "dal") tariff, in EUR.' })
  priceOffPeak: number | null;

  @Field(() => Float, { nullable: true, description: 'Fixed supply cost in EUR per year, as UMeter stores it.' })
  flatFee: number | null;

  @Field(() => Int, { nullable: true, description: 'Hour of the day (0–23, Dutch time) at which the normal tariff ends.' })
  peakHourEndsOn: number | null;

  addressRecord: UmeterAddressRecord;

  static fromAddress(address: UmeterAddressRecord): UmeterConnection {
    const ean = address.eEan!.ean;
    const provider: ProviderName = 'UMETER';
    return Object.assign(new UmeterConnection(), {
      id: ean,
      provider,
      meterPointId: nationalMeterPointId(ean),
      name: address.title ?? null,
      ean,
      status: address.eEan?.status ?? null,
      pricePeak: address.eEan?.pricePeak ?? null,
      priceOffPeak: address.eEan?.priceOffPeak ?? null,
      flatFee: address.eEan?.flatFee ?? null,
      peakHourEndsOn: address.eEan?.peakHourEndsOn ?? null,
      addressRecord: address,
    });
  }
}

@ObjectType('UmeterRegisters', {
  description:
    'Values of the four registers of a Dutch smart meter, and their sums. The unit is the one named by the field that holds them (kWh or EUR).',
})
export class UmeterRegisters {
  @Field(() => Float, { description: 'Import on the low ("dal") tariff: register 1.8.1.' })
  importLow: number;

  @Field(() => Float, { description: 'Import on the normal tariff: register 1.8.2.' })
  importNormal: number;

  @Field(() => Float, { description: 'Export on the low tariff: register 2.8.1.' })
  exportLow: number;

  @Field(() => Float, { description: 'Export on the normal tariff: register 2.8.2.' })
  exportNormal: number;

  @Field(() => Float, { description: 'importLow + importNormal.' })
  importTotal: number;

  @Field(() => Float, { description: 'exportLow + exportNormal.' })
  exportTotal: number;

  static from(registers: Registers): UmeterRegisters {
    return Object.assign(new UmeterRegisters(), {
      importLow: registers.r181,
      importNormal: registers.r182,
      exportLow: registers.r281,
      exportNormal: registers.r282,
      importTotal: round(registers.r181 + registers.r182),
      exportTotal: round(registers.r281 + registers.r282),
    });
  }
}

@ObjectType('UmeterUsageInterval', { description: 'One interval of UMeter’s P4 usage: energy per register and its cost.' })
export class UmeterUsageInterval {
  @Field(() => DateTimeScalar, { description: 'Start of the interval (inclusive).' })
  start: Date;

  @Field(() => DateTimeScalar, { description: 'End of the interval (exclusive).' })
  end: Date;

  @Field(() => UmeterRegisters, { description: 'Energy per register in the interval, in kWh.' })
  usageKwh: UmeterRegisters;

  @Field(() => UmeterRegisters, { description: 'Cost per register in the interval, in EUR (export earns, so its cost is negative).' })
  costEur: UmeterRegisters;

  @Field(() => Float, { description: 'Cost of the interval over all registers, in EUR.' })
  totalCostEur: number;

  @Field(() => Float, { nullable: true, description: 'Outside temperature UMeter reports for the interval, in °C; null when none.' })
  temperatureCelsius: number | null;

  static from(interval: P4Interval): UmeterUsageInterval {
    return Object.assign(new UmeterUsageInterval(), {
      start: interval.start,
      end: interval.end,
      usageKwh: UmeterRegisters.from(interval.usage),
      costEur: UmeterRegisters.from(interval.cost),
      totalCostEur: interval.totalCost,
      temperatureCelsius: interval.temperature,
    });
  }
}

@ObjectType('UmeterUsage', {
  description:
    'Usage and cost of one connection over whole Dutch days, from UMeter’s P4 data (the grid operator’s smart-meter readings). Interval length depends on the span: 1 day → quarter hours, 2–4 days → hours, 5 days or more → days.',
})
export class UmeterUsage {
  @Field(() => String, { description: 'The connection’s EAN.' })
  ean: string;

  @Field(() => DateTimeScalar, { description: 'Start of the first day (inclusive): 00:00 Europe/Amsterdam.' })
  from: Date;

  @Field(() => DateTimeScalar, { description: 'End of the last day (exclusive): 00:00 Europe/Amsterdam of the day after it.' })
  to: Date;

  @Field(() => Resolution, { nullable: true, description: 'Length of the intervals: QUARTER_HOUR, HOUR or DAY; null when there are none.' })
  resolution: Resolution | null;

  @Field(() => UmeterRegisters, { description: 'Energy per register over the whole period, in kWh.' })
  usageKwh: UmeterRegisters;

  @Field(() => UmeterRegisters, { description: 'Cost per register over the whole period, in EUR.' })
  costEur: UmeterRegisters;

  @Field(() => Float, { nullable: true, description: 'Cost over the whole period and all registers, in EUR (UMeter’s totalCost2).' })
  totalCostEur: number | null;

  @Field(() => UmeterRegisters, {
    nullable: true,
    description: 'Energy per register over the preceding period of the same length, in kWh.',
  })
  previousUsageKwh: UmeterRegisters | null;

  @Field(() => UmeterRegisters, { nullable: true, description: 'Cost per register over the preceding period of the same length, in EUR.' })
  previousCostEur: UmeterRegisters | null;

  @Field(() => UmeterRegisters, { description: 'The cumulative meter readings at the start of the period, in kWh.' })
  meterReadingsAtStartKwh: UmeterRegisters;

  @Field(() => String, { nullable: true, description: 'Where UMeter got the data, e.g. "Netbeheerder" (the grid operator).' })
  dataSource: string | null;

  @Field(() => [UmeterUsageInterval], { description: 'The intervals, in time order.' })
  intervals: UmeterUsageInterval[];

  static from(ean: string, from: Date, to: Date, usage: P4Usage): UmeterUsage {
    return Object.assign(new UmeterUsage(), {
      ean,
      from,
      to,
      resolution: intervalResolution(usage.intervals[0]),
      usageKwh: UmeterRegisters.from(usage.totalUsage),
      costEur: UmeterRegisters.from(usage.totalCost),
      totalCostEur: usage.totalCostAmount,
      previousUsageKwh: usage.totalUsagePrev ? UmeterRegisters.from(usage.totalUsagePrev) : null,
      previousCostEur: usage.totalCostPrev ? UmeterRegisters.from(usage.totalCostPrev) : null,
      meterReadingsAtStartKwh: UmeterRegisters.from(usage.beginReadings),
      dataSource: usage.dataSource,
      intervals: usage.intervals.map(UmeterUsageInterval.from),
    });
  }
}

function intervalResolution(interval: P4Interval | undefined): Resolution | null {
  if (!interval) return null;
  const minutes = (interval.end.getTime() - interval.start.getTime()) / 60_000;
  if (minutes === 15) return Resolution.QUARTER_HOUR;
  if (minutes === 60) return Resolution.HOUR;
  return Resolution.DAY;
}

/** yyyyMMdd → YYYY-MM-DD; anything else is passed on as it came. */
function isoDay(value: string | undefined): string | null {
  if (!value) return null;
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : value;
}

/** Sums of register values, without float noise (UMeter reports at most 3 decimals of kWh). */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
