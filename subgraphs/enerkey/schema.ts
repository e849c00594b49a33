import { DateTimeScalar } from '../../shared/time/date-time-scalar.js';
import { ArrayMaxSize, ArrayMinSize, IsNotEmpty, IsOptional, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Directive, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType, Meter, nationalMeterPointId } from '../../shared/graph/index.js';
import type { ProviderName } from '../../shared/graph/provider-names.js';
import type {
  EnerkeyActionRecord,
  EnerkeyAlarmRecord,
  EnerkeyFacilityRecord,
  EnerkeyMeterRecord,
  EnerkeyProvisioningRecord,
  EnerkeyQuantityRecord,
} from './contract.js';

/** EnerKey's entities, inputs and enums as GraphQL types. Records from the connector map in here. */

export enum EnerkeyMeterType {
  CONSUMPTION = 'consumption',
  CUMULATIVE = 'cumulative',
}
registerEnumType(EnerkeyMeterType, {
  name: 'EnerkeyMeterType',
  description: 'What an EnerKey meter records, which decides how data is pushed to it.',
  valuesConfig: {
    CONSUMPTION: { description: 'Consumption per period: push with pushEnerkeyConsumptions.' },
    CUMULATIVE: {
      description:
        'A register that only counts up: push readings with pushEnerkeyCumulativeReadings; consumption is the step between hours.',
    },
  },
});

export enum EnerkeyImageFormat {
  PNG = 'png',
  PDF = 'pdf',
}
registerEnumType(EnerkeyImageFormat, {
  name: 'EnerkeyImageFormat',
  description: 'File format of an EnerKey consumption image.',
  valuesConfig: {
    PNG: { description: 'A PNG picture (image/png).' },
    PDF: { description: 'A one-page PDF document (application/pdf).' },
  },
});

export enum EnerkeyImageLayout {
  REPORT = 'report',
  GRAPH = 'graph',
}
registerEnumType(EnerkeyImageLayout, {
  name: 'EnerkeyImageLayout',
  description: 'Which of EnerKey’s two consumption images to make.',
  valuesConfig: {
    REPORT: { description: 'The full image: facility name and city as a title over a large chart (1000×600 px).' },
    GRAPH: { description: 'Only the chart, smaller (600×300 px), meant to be embedded in something else.' },
  },
});

export enum EnerkeyActionStatus {
  PLANNED = 'Planned',
  IN_PROGRESS = 'InProgress',
  COMPLETED = 'Completed',
  CANCELLED = 'Cancelled',
}
registerEnumType(EnerkeyActionStatus, {
  name: 'EnerkeyActionStatus',
  description: 'Where an energy management action stands.',
  valuesConfig: {
    PLANNED: { description: 'Decided but not started.' },
    IN_PROGRESS: { description: 'Being carried out.' },
    COMPLETED: { description: 'Done.' },
    CANCELLED: { description: 'Dropped.' },
  },
});

@ObjectType('EnerkeyAddress', { description: 'Postal address of an EnerKey facility.' })
export class EnerkeyAddress {
  @Field(() => String, { nullable: true, description: 'Street and number.' })
  streetAddress: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code.' })
  postalCode: string | null;

  @Field(() => String, { nullable: true, description: 'City.' })
  city: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country code, e.g. "NL".' })
  country: string | null;
}

@ObjectType('EnerkeyProperty', { description: 'One property EnerKey keeps for a facility (area, volume, build year, type, …).' })
export class EnerkeyProperty {
  @Field(() => String, { description: 'Name of the property, e.g. "GrossArea".' })
  name: string;

  @Field(() => String, { description: 'The value, as EnerKey stores it (text, also for numbers).' })
  value: string;

  @Field(() => String, { nullable: true, description: 'Unit of the value, e.g. "m2"; null when it has none.' })
  unit: string | null;
}

@ObjectType('EnerkeyFacility', { description: 'A facility (building or site) in an EnerKey profile, with its properties and meters.' })
@Directive('@key(fields: "id")')
export class EnerkeyFacility {
  @Field(() => ID, { description: 'EnerKey’s id of the facility (a whole number).' })
  id: string;

  @Field(() => String, { description: 'Name of the facility.' })
  name: string;

  @Field(() => String, { nullable: true, description: 'EnerKey’s own reference code of the facility.' })
  enegiaId: string | null;

  @Field(() => EnerkeyAddress, { nullable: true, description: 'Postal address.' })
  address: EnerkeyAddress | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone of the facility, e.g. "Europe/Amsterdam".' })
  timeZone: string | null;

  @Field(() => [EnerkeyProperty], { description: 'The facility’s properties (floor area, volume, build year, …).' })
  properties: EnerkeyProperty[];

  static fromRecord(record: EnerkeyFacilityRecord): EnerkeyFacility {
    return Object.assign(new EnerkeyFacility(), {
      id: String(record.id),
      name: record.name,
      enegiaId: record.enegiaId ?? null,
      address: record.address
        ? Object.assign(new EnerkeyAddress(), {
            streetAddress: record.address.streetAddress ?? null,
            postalCode: record.address.postalCode ?? null,
            city: record.address.city ?? null,
            country: record.address.country ?? null,
          })
        : null,
      timeZone: record.timeZone ?? null,
      properties: (record.properties ?? []).map((p) =>
        Object.assign(new EnerkeyProperty(), { name: p.name, value: p.value, unit: p.unit ?? null }),
      ),
    });
  }
}

@ObjectType('EnerkeyImage', { description: 'A consumption image of a facility, inline, ready to show.' })
export class EnerkeyImage {
  @Field(() => EnerkeyImageFormat, { description: 'The file format.' })
  format: EnerkeyImageFormat;

  @Field(() => String, { description: 'MIME type: image/png or application/pdf.' })
  mimeType: string;

  @Field(() => Int, { description: 'Size of the file in bytes (before base64 encoding).' })
  byteSize: number;

  @Field(() => String, {
    description: 'The file as a data: URL (data:<mimeType>;base64,…), usable directly as an <img src> or a download link.',
  })
  dataUrl: string;
}

@ObjectType('EnerkeyQuantity', { description: 'A kind of consumption EnerKey measures (electricity, water, district heating, …).' })
@Directive('@key(fields: "id")')
export class EnerkeyQuantity {
  @Field(() => ID, { description: 'EnerKey’s id of the quantity (a whole number).' })
  id: string;

  @Field(() => String, { description: 'Name of the quantity, e.g. "Electricity".' })
  name: string;

  @Field(() => String, { description: 'Default unit of the quantity, e.g. "kWh", "MWh" or "m3".' })
  unit: string;

  static fromRecord(record: EnerkeyQuantityRecord): EnerkeyQuantity {
    return Object.assign(new EnerkeyQuantity(), { id: String(record.id), name: record.name, unit: record.unit });
  }
}

@ObjectType('EnerkeyMeter', {
  implements: Meter,
  description:
    'A meter in an EnerKey facility. It measures one quantity in that quantity’s default unit; EnerKey keeps hourly values (stamped by the start of the hour).',
})
@Directive('@key(fields: "id")')
export class EnerkeyMeter extends Meter {
  @Field(() => ID, { description: 'Id of the facility the meter belongs to.' })
  facilityId: string;

  @Field(() => ID, { description: 'Id of the quantity the meter measures.' })
  quantityId: string;

  @Field(() => String, { description: 'Unit of the meter’s values and pushes (the quantity’s default), e.g. "kWh".' })
  unit: string;

  @Field(() => EnerkeyMeterType, { description: 'Whether the meter records consumption or cumulative readings.' })
  meterType: EnerkeyMeterType;

  @Field(() => ID, { nullable: true, description: 'Id of the meter this one is a submeter of; null for a main meter.' })
  parentMeterId: string | null;

  static fromRecord(record: EnerkeyMeterRecord): EnerkeyMeter {
    const provider: ProviderName = 'ENERKEY';
    return Object.assign(new EnerkeyMeter(), {
      id: String(record.id),
      provider,
      meterPointId: nationalMeterPointId(record.meteringPointId),
      name: record.name,
      facilityId: String(record.facilityId),
      quantityId: String(record.quantityId),
      unit: record.unit,
      meterType: record.meterType === 'cumulative' ? EnerkeyMeterType.CUMULATIVE : EnerkeyMeterType.CONSUMPTION,
      parentMeterId: record.parentMeterId === undefined ? null : String(record.parentMeterId),
    });
  }
}

@ObjectType('EnerkeyMonthlyValue', { description: 'A meter’s value for one calendar month (at the UTC offset asked).' })
export class EnerkeyMonthlyValue {
  @Field(() => DateTimeScalar, { description: 'First instant of the month (inclusive), 00:00 on the 1st at the offset asked.' })
  start: Date;

  @Field(() => DateTimeScalar, { description: 'First instant of the next month (exclusive).' })
  end: Date;

  @Field(() => Float, { description: 'The value in the series’ unit: the sum of the month’s hourly values (normalized if asked).' })
  value: number;
}

@ObjectType('EnerkeyMonthlySeries', {
  description: 'A meter’s monthly values as EnerKey reports them. Months without any data are left out.',
})
export class EnerkeyMonthlySeries {
  @Field(() => String, { description: 'The UTC offset the months are cut at, as asked: "Z" or e.g. "+02:00".' })
  utcOffset: string;

  @Field(() => String, { description: 'Unit of the values: the meter’s unit, e.g. "kWh" or "m3".' })
  unit: string;

  @Field(() => Boolean, { description: 'True when the values are weather-normalized (by heating degree days).' })
  normalized: boolean;

  @Field(() => [EnerkeyMonthlyValue], { description: 'One value per month that has data, in time order.' })
  values: EnerkeyMonthlyValue[];
}

@ObjectType('EnerkeyAction', {
  description: 'An energy management action in EnerKey (a saving measure, a comment), attached to a facility and optionally meters.',
})
@Directive('@key(fields: "id")')
export class EnerkeyAction {
  @Field(() => ID, { description: 'EnerKey’s id of the action (a whole number).' })
  id: string;

  @Field(() => ID, { description: 'Id of the facility the action concerns.' })
  facilityId: string;

  @Field(() => [ID], { description: 'Ids of the meters the action concerns (may be empty).' })
  meterIds: string[];

  @Field(() => String, { description: 'Kind of action, e.g. "EnergySavingAction" or "Comment".' })
  type: string;

  @Field(() => EnerkeyActionStatus, { description: 'Where the action stands.' })
  status: EnerkeyActionStatus;

  @Field(() => String, { description: 'Short title.' })
  title: string;

  @Field(() => String, { description: 'Longer description; empty when there is none.' })
  description: string;

  @Field(() => String, { description: 'First day of the action, YYYY-MM-DD (inclusive).' })
  startDate: string;

  @Field(() => String, { nullable: true, description: 'Last day of the action, YYYY-MM-DD (inclusive); null while open-ended.' })
  endDate: string | null;

  @Field(() => Float, { nullable: true, description: 'Investment in the profile’s currency (e.g. EUR); null when unknown.' })
  investment: number | null;

  @Field(() => Float, { nullable: true, description: 'Expected savings per year in kWh; null when unknown.' })
  expectedSavingsKwh: number | null;

  @Field(() => DateTimeScalar, {
    description:
      'When the action was last saved. Pass it as expectedModifiedAt to updateEnerkeyAction so a concurrent change is not overwritten.',
  })
  modifiedAt: Date;

  static fromRecord(record: EnerkeyActionRecord): EnerkeyAction {
    return Object.assign(new EnerkeyAction(), {
      id: String(record.id),
      facilityId: String(record.facilityId),
      meterIds: record.meterIds.map(String),
      type: record.type,
      status: record.status as EnerkeyActionStatus,
      title: record.title,
      description: record.description,
      startDate: record.startDate,
      endDate: record.endDate,
      investment: record.investment,
      expectedSavingsKwh: record.expectedSavingsKwh,
      modifiedAt: new Date(record.modifiedAt),
    });
  }
}

export const EnerkeyFacilityConnection = ConnectionType(EnerkeyFacility, 'EnerkeyFacility');
export const EnerkeyMeterConnection = ConnectionType(EnerkeyMeter, 'EnerkeyMeter');
export const EnerkeyActionConnection = ConnectionType(EnerkeyAction, 'EnerkeyAction');

// Push

@InputType('EnerkeyHourlyValueInput', { description: 'One value pushed to an EnerKey meter, which keeps hourly data.' })
export class EnerkeyHourlyValueInput {
  @Field(() => DateTimeScalar, {
    description: 'When the value was measured, ISO 8601 with offset. It counts toward the hour it falls in (need not be on the hour).',
  })
  timestamp: Date;

  @Field(() => Float, {
    description:
      'For consumption: consumption in the meter’s unit; values falling in one hour are summed and added to what the hour already holds. For cumulative readings: the register reading at that instant, in the meter’s unit (the last one in an hour stands for it).',
  })
  value: number;
}

@ObjectType('EnerkeyPushResult', { description: 'What EnerKey stored from a push.' })
export class EnerkeyPushResult {
  @Field(() => ID, { description: 'The meter the data was pushed to.' })
  meterId: string;

  @Field(() => String, { description: 'Unit the values were stored in (the meter’s default unit).' })
  unit: string;

  @Field(() => Int, {
    description:
      'How many hourly values EnerKey wrote (values in one hour count once; cumulative readings give one less than their hours).',
  })
  hoursWritten: number;

  @Field(() => DateTimeScalar, { description: 'Start of the first hour pushed (inclusive).' })
  from: Date;

  @Field(() => DateTimeScalar, { description: 'End of the last hour pushed (exclusive).' })
  to: Date;
}

// Actions

@InputType('UpdateEnerkeyActionInput', {
  description: 'Changes to an action. Omitted fields keep their current values; EnerKey then stores the whole action as sent.',
})
export class UpdateEnerkeyActionInput {
  @Field(() => String, { nullable: true, description: 'New title.' })
  @IsOptional()
  @MaxLength(200)
  title?: string;

  @Field(() => String, { nullable: true, description: 'New description.' })
  @IsOptional()
  @MaxLength(5000)
  description?: string;

  @Field(() => EnerkeyActionStatus, { nullable: true, description: 'New status.' })
  status?: EnerkeyActionStatus;

  @Field(() => String, { nullable: true, description: 'New first day, YYYY-MM-DD.' })
  startDate?: string;

  @Field(() => String, { nullable: true, description: 'New last day, YYYY-MM-DD.' })
  endDate?: string;

  @Field(() => Float, { nullable: true, description: 'New investment in the profile’s currency.' })
  investment?: number;

  @Field(() => Float, { nullable: true, description: 'New expected savings per year in kWh.' })
  expectedSavingsKwh?: number;
}

// Provisioning

@InputType('EnerkeyProvisioningCustomerInput', { description: 'A customer profile for EnerKey auto provisioning (partners only).' })
export class EnerkeyProvisioningCustomerInput {
  @Field(() => Int, { description: 'Service package code EnerKey gave you (1 to 99999), e.g. 1000 for XS, 1001 for XL.' })
  @Min(1)
  @Max(99_999)
  productCode: number;

  @Field(() => String, { description: 'Customer (profile) name, shown in EnerKey’s top bar.' })
  @IsNotEmpty()
  @MaxLength(200)
  externalCustomerName: string;

  @Field(() => String, { description: 'Your id of the customer; also used to authorize users when SSO is on.' })
  @IsNotEmpty()
  @MaxLength(100)
  externalCustomerId: string;
}

@ObjectType('EnerkeyProvisioningCustomer', { description: 'A customer profile as provisioned in EnerKey.' })
export class EnerkeyProvisioningCustomer {
  @Field(() => Int, { description: 'Service package code.' })
  productCode: number;

  @Field(() => String, { description: 'Customer (profile) name.' })
  externalCustomerName: string;

  @Field(() => String, { description: 'Your id of the customer.' })
  externalCustomerId: string;
}

@ObjectType('EnerkeyProvisioningCustomersResult', {
  description: 'What a customer snapshot changed in EnerKey: customers not in the snapshot were deleted.',
})
export class EnerkeyProvisioningCustomersResult {
  @Field(() => Int, { description: 'Customers that were new.' })
  created: number;

  @Field(() => Int, { description: 'Customers that existed and were updated.' })
  updated: number;

  @Field(() => Int, { description: 'Customers deleted because the snapshot left them out.' })
  deleted: number;

  @Field(() => [String], { description: 'externalCustomerId of every deleted customer.' })
  deletedCustomerIds: string[];

  @Field(() => [EnerkeyProvisioningCustomer], { description: 'The customers EnerKey now has: the snapshot.' })
  customers: EnerkeyProvisioningCustomer[];
}

@InputType('EnerkeyPropertyInput', { description: 'A facility property to provision.' })
export class EnerkeyPropertyInput {
  @Field(() => String, { description: 'Name of the property, e.g. "GrossArea".' })
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @Field(() => String, { description: 'The value, as text (at most 1000 characters).' })
  @MaxLength(1000)
  value: string;

  @Field(() => String, { nullable: true, description: 'Unit of the value, e.g. "m2".' })
  @IsOptional()
  @MaxLength(50)
  unit?: string;
}

@InputType('EnerkeyProvisioningMeterInput', { description: 'A meter to create in a provisioned facility.' })
export class EnerkeyProvisioningMeterInput {
  @Field(() => String, { description: 'Your id of the meter.' })
  @IsNotEmpty()
  @MaxLength(100)
  externalMeterId: string;

  @Field(() => String, { description: 'Name of the meter.' })
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @Field(() => Int, { description: 'EnerKey quantity id the meter measures (see enerkeyQuantities).' })
  quantityId: number;

  @Field(() => String, { nullable: true, description: 'The national metering point id (EAN, MPAN, …), when there is one.' })
  @IsOptional()
  @MaxLength(64)
  meteringPointId?: string;

  @Field(() => EnerkeyMeterType, { nullable: true, description: 'What the meter records (default CONSUMPTION).' })
  meterType?: EnerkeyMeterType;

  @Field(() => [EnerkeyProvisioningMeterInput], { nullable: true, description: 'Submeters of this meter, created under it.' })
  @IsOptional()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  subMeters?: EnerkeyProvisioningMeterInput[];
}

@InputType('EnerkeyProvisioningFacilityInput', { description: 'A facility to create or update with its properties and meters.' })
export class EnerkeyProvisioningFacilityInput {
  @Field(() => String, { description: 'Your id of the facility.' })
  @IsNotEmpty()
  @MaxLength(100)
  externalFacilityId: string;

  @Field(() => String, { description: 'Name of the facility.' })
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @Field(() => [EnerkeyPropertyInput], { nullable: true, description: 'Facility properties to create.' })
  @IsOptional()
  @ValidateNested({ each: true })
  properties?: EnerkeyPropertyInput[];

  @Field(() => [EnerkeyProvisioningMeterInput], { nullable: true, description: 'Meters (with their reading configurations) to create.' })
  @ValidateNested({ each: true })
  meters?: EnerkeyProvisioningMeterInput[];
}

@InputType('EnerkeyProvisioningDataInput', { description: 'One customer’s facility and meter data for EnerKey auto provisioning.' })
export class EnerkeyProvisioningDataInput {
  @Field(() => String, { description: 'externalCustomerId of a customer provisioned with upsertEnerkeyProvisioningCustomers.' })
  @IsNotEmpty()
  @MaxLength(100)
  externalCustomerId: string;

  @Field(() => [EnerkeyProvisioningFacilityInput], { description: 'The customer’s facilities (at least one).' })
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  facilities: EnerkeyProvisioningFacilityInput[];
}

@ObjectType('EnerkeyProvisioningAcceptance', { description: 'EnerKey’s answer to provisioning data.' })
export class EnerkeyProvisioningAcceptance {
  @Field(() => String, { description: 'Id to check the processing with enerkeyProvisioningStatus.' })
  provisioningId: string;

  @Field(() => Boolean, {
    description:
      'True when EnerKey had already processed exactly this data set (HTTP 208); the id is that earlier run’s. False when accepted anew (HTTP 202).',
  })
  alreadyProcessed: boolean;
}

@ObjectType('EnerkeyProvisioningStatus', { description: 'How EnerKey processed a provisioning data set.' })
export class EnerkeyProvisioningStatus {
  @Field(() => String, { description: 'The provisioning id.' })
  provisioningId: string;

  @Field(() => String, { description: 'EnerKey’s status text, e.g. "Completed" or "Failed".' })
  status: string;

  @Field(() => String, { description: 'The customer the data set was for.' })
  externalCustomerId: string;

  @Field(() => Int, { description: 'Facilities created or updated.' })
  facilitiesCreated: number;

  @Field(() => Int, { description: 'Meters (and submeters) created or updated.' })
  metersCreated: number;

  @Field(() => [ID], { description: 'EnerKey’s ids of the facilities created or updated (their fields: the facilities field).' })
  facilityIds: string[];

  @Field(() => [ID], { description: 'EnerKey’s ids of the meters and submeters created or updated.' })
  meterIds: string[];

  @Field(() => Int, { description: 'Default alarms created for the meters.' })
  alarmsCreated: number;

  @Field(() => [String], { description: 'What went wrong, when the status is "Failed"; empty otherwise.' })
  errors: string[];

  @Field(() => DateTimeScalar, { description: 'When EnerKey received the data set.' })
  receivedAt: Date;

  static fromRecord(record: EnerkeyProvisioningRecord): EnerkeyProvisioningStatus {
    return Object.assign(new EnerkeyProvisioningStatus(), {
      ...record,
      facilityIds: (record.facilityIds ?? []).map(String),
      meterIds: (record.meterIds ?? []).map(String),
      alarmsCreated: record.alarmsCreated ?? 0,
      receivedAt: new Date(record.receivedAt),
    });
  }
}

// Logs

@ObjectType('EnerkeyAlarm', { description: 'An alarm EnerKey raised for a meter’s hour (alarm logs; EnerKey partners only).' })
export class EnerkeyAlarm {
  @Field(() => ID, { description: 'EnerKey’s id of the alarm (a whole number).' })
  id: string;

  @Field(() => String, { description: 'Kind of alarm, e.g. "ConsumptionAboveLimit", "ConsumptionBelowLimit", "MissingData".' })
  alarmType: string;

  @Field(() => String, { description: 'EnerKey’s text about the alarm.' })
  message: string;

  @Field(() => ID, { description: 'Id of the meter the alarm is about.' })
  meterId: string;

  @Field(() => ID, { description: 'Id of the meter’s facility.' })
  facilityId: string;

  @Field(() => DateTimeScalar, { description: 'Start of the hour the alarm is about.' })
  hour: Date;

  @Field(() => DateTimeScalar, { description: 'When EnerKey raised the alarm.' })
  triggeredAt: Date;

  @Field(() => Float, { nullable: true, description: 'The hour’s value in `unit`; null when the alarm is about missing data.' })
  value: number | null;

  @Field(() => Float, { nullable: true, description: 'The limit the value crossed, in `unit`; null when the alarm has none.' })
  limit: number | null;

  @Field(() => String, { description: 'Unit of value and limit: the meter’s unit.' })
  unit: string;

  static fromRecord(record: EnerkeyAlarmRecord): EnerkeyAlarm {
    return Object.assign(new EnerkeyAlarm(), {
      ...record,
      id: String(record.id),
      meterId: String(record.meterId),
      facilityId: String(record.facilityId),
      hour: new Date(record.hour),
      triggeredAt: new Date(record.triggeredAt),
    });
  }
}
