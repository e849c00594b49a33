import { DateTimeScalar } from '../../../shared/time/date-time-scalar.js';
import { JSONObjectResolver } from 'graphql-scalars';
import { createUnionType, Directive, Field, Float, ID, ObjectType } from 'type-graphql';
import type {
  VolueEventPayload as EventPayloadRecord,
  VolueEventRecord,
  VolueLocationLpcTarget as LpcTargetRecord,
  VolueLpcPoint as LpcPointRecord,
} from '../contract.js';
import { VolueCurrency, VolueEnergyUnit, VolueNotificationType, VoluePriceArea } from './enums.js';

/** Events, their five payload types as typed GraphQL (one union), and the notifications the receiver keeps. */

const RESOLUTION = 'The length of each point, as a .NET TimeSpan ("01:00:00" = one hour).';

function toDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

@ObjectType('VoluePriceCurveTarget', { description: 'A resource at a location a price curve is for.' })
export class VoluePriceCurveTarget {
  @Field(() => ID, { description: 'The resource.' })
  resourceId: string;

  @Field(() => ID, { description: 'The location it is at.' })
  locationId: string;
}

@ObjectType('VoluePricePoint', { description: 'The price from one instant until the next point.' })
export class VoluePricePoint {
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the price starts to apply.' })
  timestamp: Date | null;

  @Field(() => Float, { nullable: true, description: 'The price (or price delta) per energyUnit, in currency.' })
  price: number | null;
}

@ObjectType('VoluePriceCurve', { description: 'Prices over time.' })
export class VoluePriceCurve {
  @Field(() => [VoluePricePoint], { description: 'The prices, in time order.' })
  points: VoluePricePoint[];

  @Field(() => VolueEnergyUnit, { nullable: true, description: 'The unit each price is per.' })
  energyUnit: VolueEnergyUnit | null;

  @Field(() => VolueCurrency, { nullable: true, description: 'The currency of the prices.' })
  currency: VolueCurrency | null;

  @Field(() => String, { nullable: true, description: RESOLUTION })
  resolution: string | null;
}

@ObjectType('VoluePriceCurvePayload', { description: 'A PriceCurve event: an incentive for some resources, as price changes over time.' })
export class VoluePriceCurvePayload {
  @Field(() => [VoluePriceCurveTarget], { description: 'The resources it is for.' })
  targets: VoluePriceCurveTarget[];

  @Field(() => VoluePriceCurve, { description: 'The price changes.' })
  priceCurveDelta: VoluePriceCurve;

  @Field(() => VoluePriceArea, { nullable: true, description: 'The bidding zone.' })
  priceArea: VoluePriceArea | null;
}

@ObjectType('VolueUserEligibilityPayload', { description: 'A UserEligibility event: users who became, or stopped being, eligible.' })
export class VolueUserEligibilityPayload {
  @Field(() => DateTimeScalar, { nullable: true, description: 'When eligibility was last computed.' })
  lastUpdated: Date | null;

  @Field(() => [ID], { description: 'Users who became eligible.' })
  addedUserIds: string[];

  @Field(() => [ID], { description: 'Users who are no longer eligible.' })
  removedUserIds: string[];
}

@ObjectType('VolueLpcPoint', { description: 'A power limit from one instant for one resolution.' })
export class VolueLpcPoint {
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the limit starts.' })
  timestamp: Date | null;

  @Field(() => Float, { nullable: true, description: 'The most power that may be drawn, in kW.' })
  maxPowerInKiloWatts: number | null;
}

@ObjectType('VolueLocationLpcTarget', { description: 'Power limits for one location (its metering point).' })
export class VolueLocationLpcTarget {
  @Field(() => ID, { description: 'The location.' })
  locationId: string;

  @Field(() => String, { description: 'Its metering point.' })
  meterPointId: string;

  @Field(() => String, { nullable: true, description: RESOLUTION })
  resolution: string | null;

  @Field(() => [VolueLpcPoint], { description: 'The limits, in time order.' })
  points: VolueLpcPoint[];
}

@ObjectType('VolueResourceLpcTarget', { description: 'Power limits for one resource.' })
export class VolueResourceLpcTarget extends VolueLocationLpcTarget {
  @Field(() => ID, { description: 'The resource.' })
  resourceId: string;
}

@ObjectType('VolueLocationLpcPayload', { description: 'A LocationLPC event: load power control requested for some locations.' })
export class VolueLocationLpcPayload {
  @Field(() => [VolueLocationLpcTarget], { description: 'The locations and their limits.' })
  targets: VolueLocationLpcTarget[];
}

@ObjectType('VolueResourceLpcPayload', { description: 'A ResourceLPC event: load power control requested for some resources.' })
export class VolueResourceLpcPayload {
  @Field(() => [VolueResourceLpcTarget], { description: 'The resources and their limits.' })
  targets: VolueResourceLpcTarget[];
}

@ObjectType('VolueLpcReservationPayload', {
  description: 'An LPCReservation event: load power control capacity reserved at some locations.',
})
export class VolueLpcReservationPayload {
  @Field(() => [VolueLocationLpcTarget], { description: 'The locations and the reserved limits.' })
  targets: VolueLocationLpcTarget[];
}

export const VolueEventPayloadUnion = createUnionType({
  name: 'VolueEventPayload',
  description: 'An event’s payload, by its payloadType.',
  types: () =>
    [
      VoluePriceCurvePayload,
      VolueUserEligibilityPayload,
      VolueLocationLpcPayload,
      VolueResourceLpcPayload,
      VolueLpcReservationPayload,
    ] as const,
});

const points = (list: LpcPointRecord[] | undefined) =>
  (list ?? []).map((point) =>
    Object.assign(new VolueLpcPoint(), { timestamp: toDate(point.timestamp), maxPowerInKiloWatts: point.maxPowerInKiloWatts ?? null }),
  );
const locationTarget = (target: LpcTargetRecord) =>
  Object.assign(new VolueLocationLpcTarget(), {
    locationId: target.locationId,
    meterPointId: target.meterPointId,
    resolution: target.resolution ?? null,
    points: points(target.points),
  });

/** The typed payload of an event or notification; null for a payload type this service does not know. */
export function typedPayload(payload: EventPayloadRecord | Record<string, unknown>): typeof VolueEventPayloadUnion | null {
  const known = payload as EventPayloadRecord;
  switch (known.payloadType) {
    case 'PriceCurve': {
      const curve = known.priceCurveDelta ?? {};
      return Object.assign(new VoluePriceCurvePayload(), {
        targets: (known.targets ?? []).map((target) => Object.assign(new VoluePriceCurveTarget(), target)),
        priceCurveDelta: Object.assign(new VoluePriceCurve(), {
          points: (curve.points ?? []).map((point) =>
            Object.assign(new VoluePricePoint(), { timestamp: toDate(point.timestamp), price: point.price ?? null }),
          ),
          energyUnit: curve.energyUnit ?? null,
          currency: curve.currency ?? null,
          resolution: curve.resolution ?? null,
        }),
        priceArea: known.priceArea ?? null,
      });
    }
    case 'UserEligibility':
      return Object.assign(new VolueUserEligibilityPayload(), {
        lastUpdated: toDate(known.lastUpdated),
        addedUserIds: known.addedUsers ?? [],
        removedUserIds: known.removedUsers ?? [],
      });
    case 'LocationLPC':
      return Object.assign(new VolueLocationLpcPayload(), { targets: (known.targets ?? []).map(locationTarget) });
    case 'LPCReservation':
      return Object.assign(new VolueLpcReservationPayload(), { targets: (known.targets ?? []).map(locationTarget) });
    case 'ResourceLPC':
      return Object.assign(new VolueResourceLpcPayload(), {
        targets: (known.targets ?? []).map((target) =>
          Object.assign(new VolueResourceLpcTarget(), locationTarget(target), { resourceId: target.resourceId }),
        ),
      });
    default:
      return null;
  }
}

@ObjectType('VolueEvent', {
  description: 'Something Volue announced to partners: a price curve, a change in user eligibility, a power limit request, …',
})
@Directive('@key(fields: "id")')
export class VolueEvent {
  @Field(() => ID, { description: 'Volue’s id of the event; quote it as eventId when you report on it.' })
  id: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When Volue created the event (UTC).' })
  createdAt: Date | null;

  @Field(() => String, {
    description: 'Volue’s payload type: "PriceCurve", "UserEligibility", "LocationLPC", "ResourceLPC" or "LPCReservation".',
  })
  payloadType: string;

  @Field(() => VolueEventPayloadUnion, {
    nullable: true,
    description: 'The payload, typed by payloadType; null for a type this service does not know.',
  })
  typedPayload: typeof VolueEventPayloadUnion | null;

  @Field(() => JSONObjectResolver, {
    description: 'The event’s payload exactly as Volue sent it (fields depend on payloadType; timestamps ISO 8601 with offset).',
  })
  payload: Record<string, unknown>;

  static fromRecord(record: VolueEventRecord): VolueEvent {
    const payload = (record.payload ?? {}) as Record<string, unknown>;
    return Object.assign(new VolueEvent(), {
      id: record.id,
      createdAt: toDate(record.createdAt),
      payloadType: typeof payload.payloadType === 'string' ? payload.payloadType : 'Unknown',
      typedPayload: typedPayload(payload),
      payload,
    });
  }
}

@ObjectType('VolueNotification', {
  description: 'An event notification this server received from Volue on its webhook receiver, with a verified signature.',
})
export class VolueNotification {
  @Field(() => ID, { description: 'Volue’s id of the notification; a redelivery with the same id is recorded once.' })
  id: string;

  @Field(() => ID, { description: 'The event the notification is about.' })
  eventId: string;

  @Field(() => VolueNotificationType, { description: 'What kind of notification it is.' })
  notificationType: VolueNotificationType;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When Volue created the event (UTC).' })
  eventCreatedAt: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When Volue sent the notification (UTC).' })
  sentAt: Date | null;

  @Field(() => DateTimeScalar, { description: 'When this server received it (UTC).' })
  receivedAt: Date;

  @Field(() => VolueEventPayloadUnion, {
    nullable: true,
    description: 'The payload, typed by its payloadType; null for a type this service does not know.',
  })
  typedPayload: typeof VolueEventPayloadUnion | null;

  @Field(() => JSONObjectResolver, { description: 'The event payload exactly as received (fields depend on its payloadType).' })
  payload: Record<string, unknown>;
}

export { toDate };
