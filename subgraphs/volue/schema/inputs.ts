import { DateTimeScalar } from '../../../shared/time/date-time-scalar.js';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { VOLUE_MAX_PAGE_SIZE } from '../contract.js';
import { VolueLocationType, VolueNotificationType, VolueResourceType } from './enums.js';

// Inputs. Validation runs before any upstream call (shared/subgraph/federation.ts), so bad input costs no call.

const ID_PATTERN = /^[^/?#\s]+$/;
const ID_MESSAGE = (what: string) => `${what} must be non-empty, without spaces, "/", "?" or "#"`;
/** [I] Model years a vehicle may state. */
const VEHICLE_YEARS = { min: 1900, max: 2100 } as const;
/** The most objects one batch registers (Volue's page limit; its batch limit is not documented). */
const MAX_BATCH = VOLUE_MAX_PAGE_SIZE;
const URL_OPTIONS: Parameters<typeof IsUrl> = [
  { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
  { message: 'webhookUrl must be an http(s) URL' },
];

@InputType('RegisterVolueUserInput', { description: 'A user to register with Volue.' })
export class RegisterVolueUserInput {
  @Field(() => ID, { description: 'Your own id for the user (e.g. a UUID from your system); at most 100 characters.' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('userId') })
  @MaxLength(100)
  userId: string;
}

@InputType('RegisterVolueUsersInput', { description: 'Users to register with Volue in one call (all or none).' })
export class RegisterVolueUsersInput {
  @Field(() => [RegisterVolueUserInput], { description: `The users; 1 to ${MAX_BATCH}.` })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH)
  @ValidateNested({ each: true })
  users: RegisterVolueUserInput[];
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

/** What a location states besides its ids: Volue's fields and those Gridgraph keeps. */
@InputType()
export class VolueLocationFieldsInput {
  @Field(() => VolueLocationType, { nullable: true, description: 'The kind of site; Unknown when omitted at registration.' })
  @IsOptional()
  locationType?: VolueLocationType;

  @Field(() => VolueCoordinatesInput, { nullable: true, description: 'Where the site is.' })
  @IsOptional()
  @ValidateNested()
  coordinates?: VolueCoordinatesInput;

  @Field(() => [String], {
    nullable: true,
    description: 'The site’s national metering point ids; at least one is needed to enroll its user.',
  })
  @IsOptional()
  @ArrayMaxSize(20)
  @IsNotEmpty({ each: true, message: 'each meter point id must be non-empty' })
  @MaxLength(50, { each: true })
  meterPointIds?: string[];

  @Field(() => VolueAddressInput, { nullable: true, description: 'The postal address (kept by Gridgraph: Volue has no field for it).' })
  @IsOptional()
  @ValidateNested()
  address?: VolueAddressInput;

  @Field(() => String, { nullable: true, description: 'The meter’s serial number (kept by Gridgraph: Volue has no field for it).' })
  @IsOptional()
  @MaxLength(50)
  meterNumber?: string;
}

@InputType('RegisterVolueLocationInput', { description: 'A site to register for a Volue user.' })
export class RegisterVolueLocationInput extends VolueLocationFieldsInput {
  @Field(() => ID, { description: 'The user who owns the location (must be registered).' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('userId') })
  userId: string;

  @Field(() => ID, { description: 'Your own id for the location; unique per user.' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('locationId') })
  @MaxLength(100)
  locationId: string;
}

@InputType('RegisterVolueLocationsInput', { description: 'Locations of any users to register in one call (all or none).' })
export class RegisterVolueLocationsInput {
  @Field(() => [RegisterVolueLocationInput], { description: `The locations; 1 to ${MAX_BATCH}.` })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH)
  @ValidateNested({ each: true })
  locations: RegisterVolueLocationInput[];
}

@InputType('UpdateVolueLocationInput', { description: 'Changes to a location; omitted fields keep their values.' })
export class UpdateVolueLocationInput extends VolueLocationFieldsInput {
  @Field(() => ID, { description: 'The user who owns the location.' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('userId') })
  userId: string;

  @Field(() => ID, { description: 'The location to change.' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('locationId') })
  locationId: string;
}

/** A vehicle's details, which Gridgraph keeps (Volue registers only the vehicle's id). */
@InputType()
export class VolueVehicleDetailsInput {
  @Field(() => String, { nullable: true, description: 'Make, e.g. "Tesla".' })
  @IsOptional()
  @MaxLength(100)
  brand?: string;

  @Field(() => String, { nullable: true, description: 'Model, e.g. "Model 3".' })
  @IsOptional()
  @MaxLength(100)
  model?: string;

  @Field(() => Int, { nullable: true, description: `Model year, ${VEHICLE_YEARS.min} to ${VEHICLE_YEARS.max}.` })
  @IsOptional()
  @IsInt()
  @Min(VEHICLE_YEARS.min)
  @Max(VEHICLE_YEARS.max)
  year?: number;

  @Field(() => String, { nullable: true, description: 'The vehicle identification number (VIN).' })
  @IsOptional()
  @MaxLength(17)
  vin?: string;
}

@InputType('RegisterVolueVehicleResourceInput', {
  description: 'An electric vehicle to register for a Volue user (a resource of type VEHICLE).',
})
export class RegisterVolueVehicleResourceInput extends VolueVehicleDetailsInput {
  @Field(() => ID, { description: 'The user who owns the vehicle (must be registered).' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('userId') })
  userId: string;

  @Field(() => ID, { description: 'Your own id for the vehicle; unique across your resources.' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('resourceId') })
  @MaxLength(100)
  resourceId: string;
}

/** A device's details, which Gridgraph keeps (Volue registers only its id and type). */
@InputType()
export class VolueDeviceDetailsInput {
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

@InputType('RegisterVolueLocationResourceInput', { description: 'A flexible device at one of a user’s locations.' })
export class RegisterVolueLocationResourceInput extends VolueDeviceDetailsInput {
  @Field(() => ID, { description: 'The user who owns the resource.' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('userId') })
  userId: string;

  @Field(() => ID, { description: 'The user’s location the resource is at.' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('locationId') })
  locationId: string;

  @Field(() => ID, { description: 'Your own id for the resource; unique across your resources.' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('resourceId') })
  @MaxLength(100)
  resourceId: string;

  @Field(() => VolueResourceType, { description: 'What kind of device it is.' })
  resourceType: VolueResourceType;

  @Field(() => String, {
    nullable: true,
    description: 'The location’s metering point the resource sits behind (one of its meterPointIds).',
  })
  @IsOptional()
  @MaxLength(50)
  meterPointId?: string;
}

@InputType('RegisterVolueMeterInput', {
  description: 'The seed’s power meter: registered as a location (its id is the meter point id) with one meter point.',
})
export class RegisterVolueMeterInput {
  @Field(() => ID, { description: 'The user who owns the meter (must be registered).' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('userId') })
  userId: string;

  @Field(() => String, { description: 'The national metering point id (e.g. an 18-digit EAN or Norwegian MPID); unique per user.' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('meterPointId') })
  @MaxLength(50)
  meterPointId: string;

  @Field(() => String, { nullable: true, description: 'The meter’s serial number (kept by Gridgraph).' })
  @IsOptional()
  @MaxLength(50)
  meterNumber?: string;

  @Field(() => VolueLocationType, { nullable: true, description: 'The kind of building; Unknown when omitted.' })
  @IsOptional()
  locationType?: VolueLocationType;

  @Field(() => VolueAddressInput, { nullable: true, description: 'The meter’s postal address (kept by Gridgraph).' })
  @IsOptional()
  @ValidateNested()
  address?: VolueAddressInput;

  @Field(() => VolueCoordinatesInput, { nullable: true, description: 'The meter’s position (the location’s coordinates).' })
  @IsOptional()
  @ValidateNested()
  location?: VolueCoordinatesInput;
}

@InputType('RegisterVolueVehicleInput', { description: 'The seed’s electric vehicle: registered as a resource of type VEHICLE.' })
export class RegisterVolueVehicleInput extends VolueVehicleDetailsInput {
  @Field(() => ID, { description: 'The user who owns the vehicle (must be registered).' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('userId') })
  userId: string;

  @Field(() => ID, { description: 'Your own id for the vehicle (its resourceId).' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('vehicleId') })
  @MaxLength(100)
  vehicleId: string;
}

@InputType('RegisterVolueResourceInput', {
  description: 'The seed’s flexible resource. A VEHICLE is registered as a vehicle; any other type is bound to a location of the user.',
})
export class RegisterVolueResourceInput extends VolueDeviceDetailsInput {
  @Field(() => ID, { description: 'The user who owns the resource (must be registered).' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('userId') })
  userId: string;

  @Field(() => ID, { description: 'Your own id for the resource.' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE('resourceId') })
  @MaxLength(100)
  resourceId: string;

  @Field(() => VolueResourceType, { description: 'What kind of device it is.' })
  resourceType: VolueResourceType;

  @Field(() => ID, { nullable: true, description: 'The location to bind it to; may be omitted when the user has exactly one location.' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE('locationId') })
  locationId?: string;
}

@InputType('SubscribeVolueEventsInput', { description: 'A webhook to create so that Volue posts event notifications to it.' })
export class SubscribeVolueEventsInput {
  @Field(() => String, {
    nullable: true,
    description: 'Where Volue should post notifications; defaults to this server’s own receiver (VOLUE_WEBHOOK_RECEIVER_URL).',
  })
  @IsOptional()
  @IsUrl(...URL_OPTIONS)
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
  @IsUrl(...URL_OPTIONS)
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

const POINTS_PER_PAYLOAD = 24 * 62;

@InputType('VolueEnergyPointInput', { description: 'Energy used in one hour.' })
export class VolueEnergyPointInput {
  @Field(() => DateTimeScalar, {
    description: 'Start of the hour, on the hour in UTC (e.g. 2026-01-20T11:00:00Z); the hour is [start, start + 1 h).',
  })
  timestamp: Date;

  @Field(() => Float, { description: 'Total energy used in that hour, in kWh (≥ 0).' })
  @Min(0, { message: 'kiloWattHours must not be negative' })
  kiloWattHours: number;
}

@InputType('VolueFlexibilityPointInput', { description: 'How much a location can shift in one hour.' })
export class VolueFlexibilityPointInput {
  @Field(() => DateTimeScalar, { description: 'Start of the hour, on the hour in UTC.' })
  timestamp: Date;

  @Field(() => Float, { description: 'Energy in kWh that can be moved in that hour (negative: less consumption).' })
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
  @ArrayMaxSize(POINTS_PER_PAYLOAD)
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
  @ArrayMaxSize(POINTS_PER_PAYLOAD)
  points: VolueEnergyPointInput[];
}

@InputType('VolueLocationEnergyUsagePlanInput', {
  description: 'A LocationEnergyUsagePlan payload: a location’s planned hourly use and its flexibility.',
})
export class VolueLocationEnergyUsagePlanInput {
  @Field(() => ID, { description: 'The location.' })
  @IsNotEmpty()
  locationId: string;

  @Field(() => String, { description: 'The location’s metering point id.' })
  @IsNotEmpty()
  meterPointId: string;

  @Field(() => [VolueEnergyPointInput], { description: 'Planned hourly use (kWh), each point at the start of its hour, UTC.' })
  @ValidateNested({ each: true })
  @ArrayMaxSize(POINTS_PER_PAYLOAD)
  baseline: VolueEnergyPointInput[];

  @Field(() => [VolueFlexibilityPointInput], { description: 'Hourly flexibility (kWh), each point at the start of its hour, UTC.' })
  @ValidateNested({ each: true })
  @ArrayMaxSize(POINTS_PER_PAYLOAD)
  flexibility: VolueFlexibilityPointInput[];
}

@InputType('VolueLpcLocationInput', { description: 'A location named in a LocationLPC event.' })
export class VolueLpcLocationInput {
  @Field(() => ID, { description: 'The location.' })
  @IsNotEmpty()
  locationId: string;

  @Field(() => String, { description: 'Its metering point.' })
  @IsNotEmpty()
  meterPointId: string;
}

@InputType('VolueLpcResourceInput', { description: 'A resource named in a ResourceLPC event.' })
export class VolueLpcResourceInput extends VolueLpcLocationInput {
  @Field(() => ID, { description: 'The resource.' })
  @IsNotEmpty()
  resourceId: string;
}

@InputType('VolueLocationLpcAcknowledgementInput', {
  description: 'A LocationLPCAcknowledgement payload: which of the event’s locations will keep their limits.',
})
export class VolueLocationLpcAcknowledgementInput {
  @Field(() => [VolueLpcLocationInput], { description: 'Locations that will keep the limits.' })
  @ValidateNested({ each: true })
  acknowledged: VolueLpcLocationInput[];

  @Field(() => [VolueLpcLocationInput], { description: 'Locations that will not.' })
  @ValidateNested({ each: true })
  declined: VolueLpcLocationInput[];
}

@InputType('VolueResourceLpcAcknowledgementInput', {
  description: 'A ResourceLPCAcknowledgement payload: which of the event’s resources will keep their limits.',
})
export class VolueResourceLpcAcknowledgementInput {
  @Field(() => [VolueLpcResourceInput], { description: 'Resources that will keep the limits.' })
  @ValidateNested({ each: true })
  acknowledged: VolueLpcResourceInput[];

  @Field(() => [VolueLpcResourceInput], { description: 'Resources that will not.' })
  @ValidateNested({ each: true })
  declined: VolueLpcResourceInput[];
}

@InputType('SendVolueReportInput', {
  description:
    'One report to Volue (one per event, with all its payloads, of any of the five payload types). Hourly resolution; at least one payload.',
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

  @Field(() => [VolueLocationEnergyUsagePlanInput], { nullable: true, description: 'LocationEnergyUsagePlan payloads (per location).' })
  @IsOptional()
  @ValidateNested({ each: true })
  locationEnergyUsagePlan?: VolueLocationEnergyUsagePlanInput[];

  @Field(() => [VolueLocationLpcAcknowledgementInput], { nullable: true, description: 'LocationLPCAcknowledgement payloads.' })
  @IsOptional()
  @ValidateNested({ each: true })
  locationLpcAcknowledgements?: VolueLocationLpcAcknowledgementInput[];

  @Field(() => [VolueResourceLpcAcknowledgementInput], { nullable: true, description: 'ResourceLPCAcknowledgement payloads.' })
  @IsOptional()
  @ValidateNested({ each: true })
  resourceLpcAcknowledgements?: VolueResourceLpcAcknowledgementInput[];
}
