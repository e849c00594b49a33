import { ArrayMaxSize, IsInt, IsNotEmpty, IsOptional, IsUrl, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';
import { Directive, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType, Meter, nationalMeterPointId } from '../../shared/graph/index.js';
import type { ProviderName } from '../../shared/graph/provider-names.js';
import {
  VOLUE_VEHICLE_YEARS,
  type VolueEventRecord,
  type VolueMeterRecord,
  type VolueNotificationType as NotificationTypeValue,
  type VolueResourceRecord,
  type VolueVehicleRecord,
  type VolueWebhookRecord,
} from './contract.js';

/** Volue's entities, inputs and enums as GraphQL types. Records from the connector map in here. */

export enum VolueLocationType {
  UNKNOWN = 'Unknown',
  RESIDENTIAL = 'Residential',
  COMMERCIAL = 'Commercial',
  OTHER = 'Other',
}
registerEnumType(VolueLocationType, {
  name: 'VolueLocationType',
  description: 'What kind of building a Volue meter is in.',
  valuesConfig: {
    UNKNOWN: { description: 'Not stated.' },
    RESIDENTIAL: { description: 'A home.' },
    COMMERCIAL: { description: 'An office, shop or other business premises.' },
    OTHER: { description: 'Any other kind of site.' },
  },
});

export enum VolueResourceType {
  GENERIC = 'Generic',
  VEHICLE = 'Vehicle',
  CHARGER = 'Charger',
  HOT_WATER_TANK = 'HotWaterTank',
  HVAC = 'HVAC',
  SOLAR_INVERTER = 'SolarInverter',
}
registerEnumType(VolueResourceType, {
  name: 'VolueResourceType',
  description: 'The kind of flexible resource (a device whose consumption can be shifted) registered with Volue.',
  valuesConfig: {
    GENERIC: { description: 'Any other controllable device.' },
    VEHICLE: { description: 'An electric vehicle.' },
    CHARGER: { description: 'An EV charger.' },
    HOT_WATER_TANK: { description: 'An electrically heated hot water tank (capacity in litres, heating elements in watts).' },
    HVAC: { description: 'Heating, ventilation or air conditioning, e.g. a heat pump.' },
    SOLAR_INVERTER: { description: 'A solar PV inverter.' },
  },
});

export enum VolueNotificationType {
  UNKNOWN = 'Unknown',
  PRICE_CURVE_CREATED = 'PriceCurveCreated',
  USER_ELIGIBILITY_UPDATED = 'UserEligibilityUpdated',
  LOCATION_LPC_REQUESTED = 'LocationLPCRequested',
  RESOURCE_LPC_REQUESTED = 'ResourceLPCRequested',
  LPC_RESERVATION_CREATED = 'LPCReservationCreated',
}
registerEnumType(VolueNotificationType, {
  name: 'VolueNotificationType',
  description: 'The kind of event notification Volue sends to a webhook.',
  valuesConfig: {
    UNKNOWN: { description: 'A type this service does not know.' },
    PRICE_CURVE_CREATED: { description: 'A new price curve (incentive) for some resources.' },
    USER_ELIGIBILITY_UPDATED: { description: 'Users became eligible, or stopped being eligible, for flexibility.' },
    LOCATION_LPC_REQUESTED: { description: 'A limit on the power of some locations (load power control) is requested.' },
    RESOURCE_LPC_REQUESTED: { description: 'A limit on the power of some resources is requested.' },
    LPC_RESERVATION_CREATED: { description: 'A reservation of load power control capacity was created.' },
  },
});

export enum VolueWebhookStatus {
  NEW = 'New',
  HEALTHY = 'Healthy',
  UNHEALTHY = 'Unhealthy',
  TIME_OUT = 'TimeOut',
}
registerEnumType(VolueWebhookStatus, {
  name: 'VolueWebhookStatus',
  description: 'How Volue judges a webhook from its recent deliveries.',
  valuesConfig: {
    NEW: { description: 'Nothing delivered yet.' },
    HEALTHY: { description: 'The last delivery was answered with a 2xx status.' },
    UNHEALTHY: { description: 'The last delivery failed or was answered with an error status.' },
    TIME_OUT: { description: 'The last delivery was not answered in time.' },
  },
});

@ObjectType('VolueAddress', { description: 'The postal address of a Volue meter.' })
export class VolueAddress {
  @Field(() => String, { nullable: true, description: 'Street and house number.' })
  street: string | null;

  @Field(() => String, { nullable: true, description: 'City or town.' })
  city: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code.' })
  zipCode: string | null;
}

@ObjectType('VolueCoordinates', { description: 'A position in WGS 84 decimal degrees.' })
export class VolueCoordinates {
  @Field(() => Float, { description: 'Latitude in degrees, −90 (south) to 90 (north).' })
  latitude: number;

  @Field(() => Float, { description: 'Longitude in degrees, −180 (west) to 180 (east).' })
  longitude: number;
}

@ObjectType('VolueUser', {
  description: 'A customer of yours registered with Volue, who owns meters, vehicles and resources and earns incentives from your reports.',
})
@Directive('@key(fields: "id")')
export class VolueUser {
  @Field(() => ID, { description: 'Your own id for the user, as registered with Volue.' })
  id: string;

  static of(userId: string): VolueUser {
    return Object.assign(new VolueUser(), { id: userId });
  }
}

@ObjectType('VolueMeter', {
  implements: Meter,
  description: 'A power meter registered with Volue for one user. Volue keeps no readings for it: it tells grid operators who to reward.',
})
export class VolueMeter extends Meter {
  @Field(() => ID, { description: 'Id of the user the meter is registered for.' })
  userId: string;

  @Field(() => String, { nullable: true, description: 'The meter’s serial number, as printed on it.' })
  meterNumber: string | null;

  @Field(() => VolueAddress, { nullable: true, description: 'Where the meter is, as a postal address.' })
  address: VolueAddress | null;

  @Field(() => VolueCoordinates, { nullable: true, description: 'Where the meter is, as coordinates.' })
  location: VolueCoordinates | null;

  @Field(() => VolueLocationType, { description: 'The kind of building the meter is in.' })
  locationType: VolueLocationType;

  static fromRecord(record: VolueMeterRecord, userId: string): VolueMeter {
    const provider: ProviderName = 'VOLUE';
    const address = record.address
      ? Object.assign(new VolueAddress(), {
          street: record.address.street ?? null,
          city: record.address.city ?? null,
          zipCode: record.address.zipCode ?? null,
        })
      : null;
    const place = [record.address?.street, record.address?.city].filter(Boolean).join(', ');
    return Object.assign(new VolueMeter(), {
      id: record.meterId,
      provider,
      meterPointId: nationalMeterPointId(record.meterPointId),
      name: place || null,
      userId: record.userId ?? userId,
      meterNumber: record.meterNumber ?? null,
      address,
      location: record.location ? Object.assign(new VolueCoordinates(), record.location) : null,
      locationType: (record.locationType ?? 'Unknown') as VolueLocationType,
    });
  }
}

@ObjectType('VolueVehicle', { description: 'An electric vehicle registered with Volue for one user.' })
export class VolueVehicle {
  @Field(() => ID, { description: 'Your own id for the vehicle, unique per user.' })
  id: string;

  @Field(() => ID, { description: 'Id of the user who owns the vehicle.' })
  userId: string;

  @Field(() => String, { nullable: true, description: 'Make, e.g. "Tesla".' })
  brand: string | null;

  @Field(() => String, { nullable: true, description: 'Model, e.g. "Model 3".' })
  model: string | null;

  @Field(() => Int, { nullable: true, description: 'Model year, e.g. 2022.' })
  year: number | null;

  @Field(() => String, { nullable: true, description: 'The 17-character vehicle identification number.' })
  vin: string | null;

  static fromRecord(record: VolueVehicleRecord, userId: string): VolueVehicle {
    const metadata = record.metadata ?? {};
    return Object.assign(new VolueVehicle(), {
      id: record.vehicleId,
      userId: record.userId ?? userId,
      brand: metadata.brand ?? null,
      model: metadata.model ?? null,
      year: metadata.year ?? null,
      vin: metadata.vin ?? null,
    });
  }
}

@ObjectType('VolueResource', {
  description: 'A flexible device registered with Volue for one user (a hot water tank, a charger, …), with its type-specific metadata.',
})
export class VolueResource {
  @Field(() => ID, { description: 'Your own id for the resource, unique per user.' })
  id: string;

  @Field(() => ID, { description: 'Id of the user who owns the resource.' })
  userId: string;

  @Field(() => VolueResourceType, { description: 'What kind of device it is.' })
  resourceType: VolueResourceType;

  @Field(() => String, { nullable: true, description: 'Make, e.g. "Oso".' })
  brand: string | null;

  @Field(() => String, { nullable: true, description: 'Model, e.g. "SuperTank".' })
  model: string | null;

  @Field(() => Float, { nullable: true, description: 'Capacity: litres for a hot water tank; null when not given.' })
  capacity: number | null;

  @Field(() => [Float], { nullable: true, description: 'Power of each heating element in watts (hot water tanks); null when not given.' })
  heatingElements: number[] | null;

  @Field(() => JSONObjectResolver, { description: 'All metadata exactly as Volue stores it, including resourceType.' })
  metadata: Record<string, unknown>;

  static fromRecord(record: VolueResourceRecord, userId: string): VolueResource {
    const metadata = record.metadata ?? { resourceType: 'Generic' };
    return Object.assign(new VolueResource(), {
      id: record.resourceId,
      userId: record.userId ?? userId,
      resourceType: metadata.resourceType as VolueResourceType,
      brand: typeof metadata.brand === 'string' ? metadata.brand : null,
      model: typeof metadata.model === 'string' ? metadata.model : null,
      capacity: typeof metadata.capacity === 'number' ? metadata.capacity : null,
      heatingElements: Array.isArray(metadata.heatingElements) ? (metadata.heatingElements as number[]) : null,
      metadata,
    });
  }
}

@ObjectType('VolueEvent', {
  description: 'Something Volue announced to partners: a price curve, a change in user eligibility, a power limit request, …',
})
@Directive('@key(fields: "id")')
export class VolueEvent {
  @Field(() => ID, { description: 'Volue’s id of the event; quote it as eventId when you report on it.' })
  id: string;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When Volue created the event (UTC).' })
  createdAt: Date | null;

  @Field(() => String, {
    description: 'Volue’s payload type: "PriceCurve", "UserEligibility", "LocationLPC", "ResourceLPC" or "LPCReservation".',
  })
  payloadType: string;

  @Field(() => JSONObjectResolver, {
    description: 'The event’s payload exactly as Volue sent it (fields depend on payloadType; timestamps ISO 8601 with offset).',
  })
  payload: Record<string, unknown>;

  static fromRecord(record: VolueEventRecord): VolueEvent {
    const payload = record.payload ?? {};
    return Object.assign(new VolueEvent(), {
      id: record.id,
      createdAt: record.createdAt ? new Date(record.createdAt) : null,
      payloadType: typeof payload.payloadType === 'string' ? payload.payloadType : 'Unknown',
      payload,
    });
  }
}

@ObjectType('VolueWebhook', { description: 'A URL Volue posts event notifications to, signed with the webhook secret.' })
@Directive('@key(fields: "id")')
export class VolueWebhook {
  @Field(() => ID, { description: 'Volue’s id of the webhook.' })
  id: string;

  @Field(() => String, { description: 'Where Volue posts notifications.' })
  url: string;

  @Field(() => String, { nullable: true, description: 'Your name for the webhook.' })
  name: string | null;

  @Field(() => [VolueNotificationType], { description: 'The notification types sent to it; empty means all types.' })
  notificationTypes: NotificationTypeValue[];

  @Field(() => Boolean, { description: 'Whether Volue currently sends notifications to it.' })
  enabled: boolean;

  @Field(() => VolueWebhookStatus, { nullable: true, description: 'How Volue judges it from recent deliveries.' })
  status: VolueWebhookStatus | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it was created (UTC).' })
  createdAt: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it was last changed (UTC).' })
  modifiedAt: Date | null;

  static fromRecord(record: VolueWebhookRecord): VolueWebhook {
    return Object.assign(new VolueWebhook(), {
      id: record.webhookId,
      url: record.webhookUrl,
      name: record.name ?? null,
      notificationTypes: record.notificationTypes ?? [],
      enabled: record.enabled ?? true,
      status: (record.status as VolueWebhookStatus | undefined) ?? null,
      createdAt: record.createdDate ? new Date(record.createdDate) : null,
      modifiedAt: record.modifiedDate ? new Date(record.modifiedDate) : null,
    });
  }
}

@ObjectType('VolueWebhookTest', { description: 'The outcome of asking Volue to send a test notification to a webhook.' })
export class VolueWebhookTest {
  @Field(() => ID, { description: 'The webhook that was tested.' })
  webhookId: string;

  @Field(() => ID, { nullable: true, description: 'Id of the test notification Volue sent.' })
  notificationId: string | null;

  @Field(() => Int, { nullable: true, description: 'The HTTP status the webhook URL answered; null when it could not be reached.' })
  responseStatusCode: number | null;

  @Field(() => Boolean, { description: 'True when the webhook URL answered with a 2xx status.' })
  delivered: boolean;
}

@ObjectType('VolueReportReceipt', { description: 'Volue’s acknowledgement of a report it accepted.' })
export class VolueReportReceipt {
  @Field(() => ID, { description: 'Volue’s id of the stored report.' })
  id: string;

  @Field(() => ID, { nullable: true, description: 'The event the report answers, if any.' })
  eventId: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When Volue stored the report (UTC).' })
  createdAt: Date | null;
}

@ObjectType('VolueNotification', {
  description: 'An event notification this server received from Volue on its webhook receiver, with a verified signature. Kept in memory.',
})
export class VolueNotification {
  @Field(() => ID, { description: 'Volue’s id of the notification; a redelivery with the same id is recorded once.' })
  id: string;

  @Field(() => ID, { description: 'The event the notification is about.' })
  eventId: string;

  @Field(() => VolueNotificationType, { description: 'What kind of notification it is.' })
  notificationType: VolueNotificationType;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When Volue created the event (UTC).' })
  eventCreatedAt: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When Volue sent the notification (UTC).' })
  sentAt: Date | null;

  @Field(() => DateTimeResolver, { description: 'When this server received it (UTC).' })
  receivedAt: Date;

  @Field(() => JSONObjectResolver, { description: 'The event payload exactly as received (fields depend on its payloadType).' })
  payload: Record<string, unknown>;
}

export const VolueUserConnection = ConnectionType(VolueUser, 'VolueUser');
export const VolueEventConnection = ConnectionType(VolueEvent, 'VolueEvent');
export const VolueNotificationConnection = ConnectionType(VolueNotification, 'VolueNotification');

// Inputs. Validation runs before any upstream call (shared/subgraph/federation.ts), so bad input costs no call.

const ID_PATTERN = /^[^/?#\s]+$/;
const ID_MESSAGE = (what: string) => `${what} must be non-empty, without spaces, "/", "?" or "#"`;

@InputType('RegisterVolueUserInput', { description: 'A user to register with Volue.' })
export class RegisterVolueUserInput {
  @Field(() => ID, { description: 'Your own id for the user (e.g. a UUID from your system); at most 100 characters.' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('userId') })
  @MaxLength(100)
  userId: string;
}

@InputType('VolueAddressInput', { description: 'A postal address.' })
export class VolueAddressInput {
  @Field(() => String, { nullable: true, description: 'Street and house number.' })
  @IsOptional()
  @MaxLength(200)
  street?: string;

  @Field(() => String, { nullable: true, description: 'City or town.' })
  @IsOptional()
  @MaxLength(100)
  city?: string;

  @Field(() => String, { nullable: true, description: 'Postal code.' })
  @IsOptional()
  @MaxLength(20)
  zipCode?: string;
}

@InputType('VolueCoordinatesInput', { description: 'A position in WGS 84 decimal degrees.' })
export class VolueCoordinatesInput {
  @Field(() => Float, { description: 'Latitude in degrees, −90 to 90.' })
  @Min(-90, { message: 'latitude must be from -90 to 90 degrees' })
  @Max(90, { message: 'latitude must be from -90 to 90 degrees' })
  latitude: number;

  @Field(() => Float, { description: 'Longitude in degrees, −180 to 180.' })
  @Min(-180, { message: 'longitude must be from -180 to 180 degrees' })
  @Max(180, { message: 'longitude must be from -180 to 180 degrees' })
  longitude: number;
}

@InputType('RegisterVolueMeterInput', { description: 'A power meter to register for a Volue user.' })
export class RegisterVolueMeterInput {
  @Field(() => ID, { description: 'The user who owns the meter (must be registered).' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('userId') })
  userId: string;

  @Field(() => String, { description: 'The national metering point id (e.g. an 18-digit EAN or Norwegian MPID); unique per user.' })
  @IsNotEmpty({ message: 'meterPointId must not be empty' })
  @MaxLength(50)
  meterPointId: string;

  @Field(() => String, { nullable: true, description: 'The meter’s serial number.' })
  @IsOptional()
  @MaxLength(50)
  meterNumber?: string;

  @Field(() => VolueLocationType, { nullable: true, description: 'The kind of building; Volue stores Unknown when omitted.' })
  @IsOptional()
  locationType?: VolueLocationType;

  @Field(() => VolueAddressInput, { nullable: true, description: 'The meter’s postal address.' })
  @IsOptional()
  @ValidateNested()
  address?: VolueAddressInput;

  @Field(() => VolueCoordinatesInput, { nullable: true, description: 'The meter’s position.' })
  @IsOptional()
  @ValidateNested()
  location?: VolueCoordinatesInput;
}

@InputType('RegisterVolueVehicleInput', { description: 'An electric vehicle to register for a Volue user.' })
export class RegisterVolueVehicleInput {
  @Field(() => ID, { description: 'The user who owns the vehicle (must be registered).' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('userId') })
  userId: string;

  @Field(() => ID, { description: 'Your own id for the vehicle; unique per user.' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('vehicleId') })
  @MaxLength(100)
  vehicleId: string;

  @Field(() => String, { nullable: true, description: 'Make, e.g. "Tesla".' })
  @IsOptional()
  @MaxLength(100)
  brand?: string;

  @Field(() => String, { nullable: true, description: 'Model, e.g. "Model 3".' })
  @IsOptional()
  @MaxLength(100)
  model?: string;

  @Field(() => Int, { nullable: true, description: `Model year, ${VOLUE_VEHICLE_YEARS.min} to ${VOLUE_VEHICLE_YEARS.max}.` })
  @IsOptional()
  @IsInt()
  @Min(VOLUE_VEHICLE_YEARS.min)
  @Max(VOLUE_VEHICLE_YEARS.max)
  year?: number;

  @Field(() => String, { nullable: true, description: 'The vehicle identification number (VIN).' })
  @IsOptional()
  @MaxLength(17)
  vin?: string;
}

@InputType('RegisterVolueResourceInput', { description: 'A flexible device to register for a Volue user.' })
export class RegisterVolueResourceInput {
  @Field(() => ID, { description: 'The user who owns the resource (must be registered).' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('userId') })
  userId: string;

  @Field(() => ID, { description: 'Your own id for the resource; unique per user.' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('resourceId') })
  @MaxLength(100)
  resourceId: string;

  @Field(() => VolueResourceType, { description: 'What kind of device it is.' })
  resourceType: VolueResourceType;

  @Field(() => String, { nullable: true, description: 'Make, e.g. "Oso".' })
  @IsOptional()
  @MaxLength(100)
  brand?: string;

  @Field(() => String, { nullable: true, description: 'Model, e.g. "SuperTank".' })
  @IsOptional()
  @MaxLength(100)
  model?: string;

  @Field(() => Float, { nullable: true, description: 'Capacity: litres for a hot water tank; greater than 0.' })
  @IsOptional()
  @Min(0.001, { message: 'capacity must be greater than 0' })
  capacity?: number;

  @Field(() => [Float], { nullable: true, description: 'Power of each heating element in watts (hot water tanks); each greater than 0.' })
  @IsOptional()
  @ArrayMaxSize(20)
  @Min(0.001, { each: true, message: 'each heating element must be greater than 0 watts' })
  heatingElements?: number[];
}

@InputType('SubscribeVolueEventsInput', { description: 'A webhook to create so that Volue posts event notifications to it.' })
export class SubscribeVolueEventsInput {
  @Field(() => String, {
    nullable: true,
    description: 'Where Volue should post notifications; defaults to this server’s own receiver (VOLUE_WEBHOOK_RECEIVER_URL).',
  })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'webhookUrl must be an http(s) URL' })
  webhookUrl?: string;

  @Field(() => String, { nullable: true, description: 'Your name for the webhook.' })
  @IsOptional()
  @MaxLength(200)
  name?: string;

  @Field(() => [VolueNotificationType], { nullable: true, description: 'Only these notification types; omit for all.' })
  @IsOptional()
  notificationTypes?: VolueNotificationType[];
}

@InputType('UpdateVolueWebhookInput', { description: 'Changes to a webhook; omitted fields keep their values.' })
export class UpdateVolueWebhookInput {
  @Field(() => String, { nullable: true, description: 'A new URL to post notifications to.' })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'webhookUrl must be an http(s) URL' })
  webhookUrl?: string;

  @Field(() => String, { nullable: true, description: 'A new name.' })
  @IsOptional()
  @MaxLength(200)
  name?: string;

  @Field(() => [VolueNotificationType], { nullable: true, description: 'The notification types to send; an empty list means all.' })
  @IsOptional()
  notificationTypes?: VolueNotificationType[];

  @Field(() => Boolean, { nullable: true, description: 'False pauses deliveries; true resumes them.' })
  @IsOptional()
  enabled?: boolean;
}

@InputType('VolueEnergyPointInput', { description: 'Energy used in one hour.' })
export class VolueEnergyPointInput {
  @Field(() => DateTimeResolver, {
    description: 'Start of the hour, on the hour in UTC (e.g. 2026-01-20T11:00:00Z); the hour is [start, start + 1 h).',
  })
  timestamp: Date;

  @Field(() => Float, { description: 'Total energy used in that hour, in kWh (≥ 0).' })
  @Min(0, { message: 'kiloWattHours must not be negative' })
  kiloWattHours: number;
}

@InputType('VolueEnergyUsageInput', { description: 'An EnergyUsage payload: hourly energy used by one resource.' })
export class VolueEnergyUsageInput {
  @Field(() => ID, { description: 'The resource (or vehicle) the energy was used by.' })
  @IsNotEmpty()
  resourceId: string;

  @Field(() => ID, { nullable: true, description: 'The location the resource is at, when known.' })
  @IsOptional()
  locationId?: string;

  @Field(() => String, { nullable: true, description: 'The metering point the resource is behind, when known.' })
  @IsOptional()
  meterPointId?: string;

  @Field(() => [VolueEnergyPointInput], { description: 'Hourly points, each stamped at the start of its hour, UTC.' })
  @ValidateNested({ each: true })
  @ArrayMaxSize(24 * 62)
  points: VolueEnergyPointInput[];
}

@InputType('VolueLocationEnergyUsageInput', { description: 'A LocationEnergyUsage payload: hourly energy used at one location.' })
export class VolueLocationEnergyUsageInput {
  @Field(() => ID, { description: 'The location the energy was used at.' })
  @IsNotEmpty()
  locationId: string;

  @Field(() => String, { description: 'The location’s metering point id.' })
  @IsNotEmpty()
  meterPointId: string;

  @Field(() => [VolueEnergyPointInput], { description: 'Hourly points, each stamped at the start of its hour, UTC.' })
  @ValidateNested({ each: true })
  @ArrayMaxSize(24 * 62)
  points: VolueEnergyPointInput[];
}

@InputType('SendVolueReportInput', {
  description: 'One report to Volue (one per event, with all its payloads). Hourly resolution; at least one payload.',
})
export class SendVolueReportInput {
  @Field(() => ID, { nullable: true, description: 'The event this report answers, when it answers one.' })
  @IsOptional()
  eventId?: string;

  @Field(() => [VolueEnergyUsageInput], { nullable: true, description: 'EnergyUsage payloads (per resource).' })
  @IsOptional()
  @ValidateNested({ each: true })
  energyUsage?: VolueEnergyUsageInput[];

  @Field(() => [VolueLocationEnergyUsageInput], { nullable: true, description: 'LocationEnergyUsage payloads (per location).' })
  @IsOptional()
  @ValidateNested({ each: true })
  locationEnergyUsage?: VolueLocationEnergyUsageInput[];
}
