import { DateTimeScalar } from '../../../shared/time/date-time-scalar.js';
import { JSONObjectResolver } from 'graphql-scalars';
import { Directive, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Meter, nationalMeterPointId } from '../../../shared/graph/index.js';
import type { ProviderName } from '../../../shared/graph/provider-names.js';
import type { VolueCompensationRecord, VolueEnrollmentRecord, VolueLocationRecord, VolueResourceRecord } from '../contract.js';
import type { KeptLocationFields, KeptResourceFields } from '../kept-fields.js';
import { VolueCompensationProblemType, VolueCurrency, VolueLocationType, VolueResourceType } from './enums.js';

/** Users and what they own: locations, resources, enrollment, compensation; and the seed's meter and vehicle views. */

const KEPT = 'Kept by Gridgraph beside Volue’s id (Volue has no field for it); null when not given.';

@ObjectType('VolueAddress', { description: 'A postal address.' })
export class VolueAddress {
  @Field(() => String, { nullable: true, description: 'Street and house number.' })
  street: string | null;

  @Field(() => String, { nullable: true, description: 'City or town.' })
  city: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code.' })
  zipCode: string | null;

  static of(address: KeptLocationFields['address']): VolueAddress | null {
    if (!address) return null;
    return Object.assign(new VolueAddress(), {
      street: address.street ?? null,
      city: address.city ?? null,
      zipCode: address.zipCode ?? null,
    });
  }
}

@ObjectType('VolueCoordinates', { description: 'A position in WGS 84 decimal degrees.' })
export class VolueCoordinates {
  @Field(() => Float, { description: 'Latitude in degrees, −90 (south) to 90 (north).' })
  latitude: number;

  @Field(() => Float, { description: 'Longitude in degrees, −180 (west) to 180 (east).' })
  longitude: number;
}

@ObjectType('VolueUser', {
  description: 'A customer of yours registered with Volue, who owns locations and resources and earns incentives from your reports.',
})
@Directive('@key(fields: "id")')
export class VolueUser {
  @Field(() => ID, { description: 'Your own id for the user, as registered with Volue.' })
  id: string;

  static of(userId: string): VolueUser {
    return Object.assign(new VolueUser(), { id: userId });
  }
}

@ObjectType('VolueLocation', {
  description:
    'A site of a Volue user (a home, an office, …) with the metering points that measure it; resources other than vehicles are bound to one.',
})
export class VolueLocation {
  @Field(() => ID, { description: 'Your own id for the location, unique per user.' })
  id: string;

  @Field(() => ID, { description: 'Id of the user the location belongs to.' })
  userId: string;

  @Field(() => VolueLocationType, { description: 'The kind of site.' })
  locationType: VolueLocationType;

  @Field(() => VolueCoordinates, { nullable: true, description: 'Where the site is; null when not given.' })
  coordinates: VolueCoordinates | null;

  @Field(() => [String], {
    description: 'The national metering point ids of the site (e.g. 18-digit Norwegian MPIDs); at least one is needed to enroll.',
  })
  meterPointIds: string[];

  @Field(() => VolueAddress, { nullable: true, description: `The postal address. ${KEPT}` })
  address: VolueAddress | null;

  @Field(() => String, { nullable: true, description: `The serial number of the site’s meter. ${KEPT}` })
  meterNumber: string | null;

  static of(record: VolueLocationRecord, userId: string, kept: KeptLocationFields | undefined): VolueLocation {
    const meterPointIds = record.meterPointIds ?? (record.meterPointId ? [record.meterPointId] : []);
    return Object.assign(new VolueLocation(), {
      id: record.locationId,
      userId: record.userId ?? userId,
      locationType: (record.locationType ?? 'Unknown') as VolueLocationType,
      coordinates: record.coordinates ? Object.assign(new VolueCoordinates(), record.coordinates) : null,
      meterPointIds,
      address: VolueAddress.of(kept?.address),
      meterNumber: kept?.meterNumber ?? null,
    });
  }
}

@ObjectType('VolueResource', {
  description:
    'A flexible device registered with Volue: a vehicle (bound to its user) or a resource bound to one of the user’s locations (a hot water tank, a charger, …).',
})
export class VolueResource {
  @Field(() => ID, { description: 'Your own id for the resource, unique across your users.' })
  id: string;

  @Field(() => ID, { description: 'Id of the user who owns the resource.' })
  userId: string;

  @Field(() => VolueResourceType, { description: 'What kind of device it is.' })
  resourceType: VolueResourceType;

  @Field(() => ID, { nullable: true, description: 'The location it is bound to; null for a vehicle.' })
  locationId: string | null;

  @Field(() => String, { nullable: true, description: 'The metering point it sits behind, when stated.' })
  meterPointId: string | null;

  @Field(() => String, { nullable: true, description: `Make, e.g. "Tesla" or "Oso". ${KEPT}` })
  brand: string | null;

  @Field(() => String, { nullable: true, description: `Model, e.g. "Model 3". ${KEPT}` })
  model: string | null;

  @Field(() => Int, { nullable: true, description: `Model year of a vehicle. ${KEPT}` })
  year: number | null;

  @Field(() => String, { nullable: true, description: `The vehicle identification number. ${KEPT}` })
  vin: string | null;

  @Field(() => Float, { nullable: true, description: `Capacity: litres for a hot water tank. ${KEPT}` })
  capacity: number | null;

  @Field(() => [Float], { nullable: true, description: `Power of each heating element in watts (hot water tanks). ${KEPT}` })
  heatingElements: number[] | null;

  @Field(() => JSONObjectResolver, {
    description: 'The seed’s metadata object: resourceType and the fields Gridgraph keeps.',
    deprecationReason: 'Use resourceType, brand, model, year, vin, capacity and heatingElements.',
  })
  metadata: Record<string, unknown>;

  static of(record: VolueResourceRecord, kept: KeptResourceFields | undefined): VolueResource {
    const details = {
      brand: kept?.brand ?? null,
      model: kept?.model ?? null,
      year: kept?.year ?? null,
      vin: kept?.vin ?? null,
      capacity: kept?.capacity ?? null,
      heatingElements: kept?.heatingElements ?? null,
    };
    const given = Object.fromEntries(Object.entries(details).filter(([, value]) => value !== null));
    return Object.assign(new VolueResource(), {
      id: record.resourceId,
      userId: record.userId,
      resourceType: record.resourceType as VolueResourceType,
      locationId: record.locationId ?? null,
      meterPointId: record.meterPointId ?? null,
      ...details,
      metadata: { resourceType: record.resourceType, ...given },
    });
  }
}

@ObjectType('VolueEnrollment', { description: 'Whether a user takes part in Volue’s flexibility programme.' })
export class VolueEnrollment {
  @Field(() => ID, { description: 'The user.' })
  userId: string;

  @Field(() => Boolean, { description: 'True while the user is enrolled.' })
  isEnrolled: boolean;

  @Field(() => ID, { nullable: true, description: 'Volue’s id of the enrollment; null when not enrolled.' })
  enrollmentId: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the user enrolled (UTC); null when not enrolled.' })
  enrolledAt: Date | null;

  static of(record: VolueEnrollmentRecord): VolueEnrollment {
    return Object.assign(new VolueEnrollment(), {
      userId: record.userId,
      isEnrolled: record.isEnrolled ?? Boolean(record.enrollmentId),
      enrollmentId: record.enrollmentId ?? null,
      enrolledAt: record.enrollmentDate ? new Date(record.enrollmentDate) : null,
    });
  }
}

@ObjectType('VolueMeterPointEligibility', { description: 'Whether Volue’s flexibility market covers a metering point.' })
export class VolueMeterPointEligibility {
  @Field(() => ID, { description: 'The national metering point id.' })
  meterPointId: string;

  @Field(() => Boolean, { description: 'True when a location with this metering point can take part.' })
  isEligible: boolean;
}

@ObjectType('VolueCompensationProblem', { description: 'Why Volue cannot compensate a location (fully).' })
export class VolueCompensationProblem {
  @Field(() => VolueCompensationProblemType, { nullable: true, description: 'The kind of problem.' })
  problemType: VolueCompensationProblemType | null;

  @Field(() => String, { description: 'Volue’s explanation.' })
  message: string;
}

@ObjectType('VolueLocationCompensation', { description: 'What one location earned in the period.' })
export class VolueLocationCompensation {
  @Field(() => ID, { nullable: true, description: 'The location.' })
  locationId: string | null;

  @Field(() => [String], { description: 'The meter points compensated.' })
  meterPointIds: string[];

  @Field(() => Float, { nullable: true, description: 'The amount earned and payable.' })
  activeAmount: number | null;

  @Field(() => Float, { nullable: true, description: 'The amount earned but withheld (see problems).' })
  blockedAmount: number | null;

  @Field(() => VolueCurrency, { nullable: true, description: 'The currency of both amounts.' })
  currency: VolueCurrency | null;

  @Field(() => [VolueCompensationProblem], { description: 'What keeps Volue from paying (part of) it; empty when nothing does.' })
  problems: VolueCompensationProblem[];
}

@ObjectType('VolueCompensation', { description: 'What a user earned this month, per location.' })
export class VolueCompensation {
  @Field(() => ID, { description: 'The user.' })
  userId: string;

  @Field(() => String, { nullable: true, description: 'First day of the period (yyyy-MM-dd).' })
  periodFrom: string | null;

  @Field(() => String, { nullable: true, description: 'Last day of the period (yyyy-MM-dd).' })
  periodTo: string | null;

  @Field(() => [VolueLocationCompensation], { description: 'One entry per location; empty for a user who is not enrolled.' })
  locations: VolueLocationCompensation[];

  static of(record: VolueCompensationRecord, userId: string): VolueCompensation {
    return Object.assign(new VolueCompensation(), {
      userId: record.userId ?? userId,
      periodFrom: record.period?.from ?? null,
      periodTo: record.period?.to ?? null,
      locations: (record.locationCompensations ?? []).map((entry) =>
        Object.assign(new VolueLocationCompensation(), {
          locationId: entry.locationId ?? null,
          meterPointIds: entry.meterPointIds ?? [],
          activeAmount: entry.activeAmount ?? null,
          blockedAmount: entry.blockedAmount ?? null,
          currency: (entry.currency as VolueCurrency | undefined) ?? null,
          problems: (entry.problems ?? []).map((problem) =>
            Object.assign(new VolueCompensationProblem(), {
              problemType: (problem.problemType as VolueCompensationProblemType | undefined) ?? null,
              message: problem.message,
            }),
          ),
        }),
      ),
    });
  }
}

@ObjectType('VolueMeter', {
  implements: Meter,
  description:
    'The seed’s view of a Volue location: a power meter with its metering point. The current API has locations; this view reads them (id = the location id).',
})
export class VolueMeter extends Meter {
  @Field(() => ID, { description: 'Id of the user the meter is registered for.' })
  userId: string;

  @Field(() => String, { nullable: true, description: `The meter’s serial number. ${KEPT}` })
  meterNumber: string | null;

  @Field(() => VolueAddress, { nullable: true, description: `Where the meter is, as a postal address. ${KEPT}` })
  address: VolueAddress | null;

  @Field(() => VolueCoordinates, { nullable: true, description: 'Where the meter is, as coordinates.' })
  location: VolueCoordinates | null;

  @Field(() => VolueLocationType, { description: 'The kind of building the meter is in.' })
  locationType: VolueLocationType;

  static of(location: VolueLocation): VolueMeter {
    const provider: ProviderName = 'VOLUE';
    const place = [location.address?.street, location.address?.city].filter(Boolean).join(', ');
    const [meterPointId] = location.meterPointIds;
    return Object.assign(new VolueMeter(), {
      id: location.id,
      provider,
      meterPointId: meterPointId === undefined ? null : nationalMeterPointId(meterPointId),
      name: place || null,
      userId: location.userId,
      meterNumber: location.meterNumber,
      address: location.address,
      location: location.coordinates,
      locationType: location.locationType,
    });
  }
}

@ObjectType('VolueVehicle', { description: 'The seed’s view of a Volue vehicle resource, with the details Gridgraph keeps.' })
export class VolueVehicle {
  @Field(() => ID, { description: 'Your own id for the vehicle (its resourceId).' })
  id: string;

  @Field(() => ID, { description: 'Id of the user who owns the vehicle.' })
  userId: string;

  @Field(() => String, { nullable: true, description: `Make, e.g. "Tesla". ${KEPT}` })
  brand: string | null;

  @Field(() => String, { nullable: true, description: `Model, e.g. "Model 3". ${KEPT}` })
  model: string | null;

  @Field(() => Int, { nullable: true, description: `Model year, e.g. 2022. ${KEPT}` })
  year: number | null;

  @Field(() => String, { nullable: true, description: `The vehicle identification number. ${KEPT}` })
  vin: string | null;

  static of(resource: VolueResource): VolueVehicle {
    const { id, userId, brand, model, year, vin } = resource;
    return Object.assign(new VolueVehicle(), { id, userId, brand, model, year, vin });
  }
}
