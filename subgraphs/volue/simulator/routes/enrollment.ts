import type { Express } from 'express';
import { DateTime } from 'luxon';
import { seededRandom } from '../../../../shared/simulator/index.js';
import {
  VOLUE_PATHS,
  type VolueCompensationRecord,
  type VolueCurrencyName,
  type VolueEnrollmentRecord,
  type VolueLocationCompensation,
  type VolueMeterPointEligibilityRecord,
  type VolueUserEligibilityRecord,
} from '../../contract.js';
import { apiRoute, StringBodyError } from '../http.js';
import { isEligibleMeterPoint, isEligibleUser, type StoredLocation, type StoredUser } from '../store.js';
import { stamp } from '../time.js';
import type { VolueRouteDeps } from './index.js';

/** Enrollment, eligibility (of users and of meter points) and the current month's compensation. */
export function registerEnrollmentRoutes(app: Express, { store, now, requireBearer }: VolueRouteDeps): void {
  const userOf = (userId: unknown) => store.user(String(userId));

  app.get(apiRoute(VOLUE_PATHS.enrollment(':userId')), requireBearer, (req, res) => {
    res.json(enrollmentView(userOf(req.params.userId)));
  });

  // Enrolling an enrolled user answers the enrollment it has.
  app.post(apiRoute(VOLUE_PATHS.enrollment(':userId')), requireBearer, (req, res) => {
    const user = userOf(req.params.userId);
    if (![...user.locations.values()].some((location) => location.meterPointIds.length > 0)) {
      // Volue's docs: "at least one meterpoint id is required to enroll".
      throw new StringBodyError(400, `User ${user.userId} has no location with a meter point id; at least one is required to enroll.`);
    }
    user.enrollment ??= { enrollmentId: store.nextId('enrollment'), enrollmentDate: stamp(now()) };
    res.json(enrollmentView(user));
  });

  app.delete(apiRoute(VOLUE_PATHS.enrollment(':userId')), requireBearer, (req, res) => {
    userOf(req.params.userId).enrollment = null;
    res.status(204).end();
  });

  app.get(apiRoute(VOLUE_PATHS.eligibility(':userId')), requireBearer, (req, res) => {
    const user = userOf(req.params.userId);
    res.json({ userId: user.userId, isEligible: isEligibleUser(user) } satisfies VolueUserEligibilityRecord);
  });

  app.get(apiRoute(VOLUE_PATHS.compensation(':userId')), requireBearer, (req, res) => {
    res.json(compensation(userOf(req.params.userId), DateTime.fromJSDate(now(), { zone: 'utc' })));
  });

  app.get(apiRoute(VOLUE_PATHS.meterPointEligibility(':mpid')), requireBearer, (req, res) => {
    const meterPointId = String(req.params.mpid);
    res.json({ meterPointId, isEligible: isEligibleMeterPoint(meterPointId) } satisfies VolueMeterPointEligibilityRecord);
  });
}

function enrollmentView(user: StoredUser): VolueEnrollmentRecord {
  return {
    isEnrolled: user.enrollment !== null,
    userId: user.userId,
    enrollmentId: user.enrollment?.enrollmentId ?? null,
    enrollmentDate: user.enrollment?.enrollmentDate ?? null,
  };
}

/**
 * [I] The current month's compensation of an enrolled user (nothing for others): per location a seeded
 * active and blocked amount in the currency of its meter point's country, and the problems Volue names
 * (a location without a meter point id earns nothing).
 */
function compensation(user: StoredUser, at: DateTime): VolueCompensationRecord {
  const month = at.startOf('month');
  return {
    userId: user.userId,
    period: { from: month.toISODate()!, to: month.endOf('month').toISODate()! },
    locationCompensations: user.enrollment ? [...user.locations.values()].map((location) => locationCompensation(location, month)) : [],
  };
}

function locationCompensation(location: StoredLocation, month: DateTime): VolueLocationCompensation {
  const [meterPointId] = location.meterPointIds;
  if (meterPointId === undefined) {
    return {
      locationId: location.locationId,
      meterPointIds: [],
      activeAmount: 0,
      blockedAmount: 0,
      currency: 'EUR',
      problems: [{ problemType: 'MissingMpidOnLocation', message: `Location ${location.locationId} has no meter point id.` }],
    };
  }
  const random = seededRandom(`volue:compensation:${location.locationId}:${month.toFormat('yyyy-MM')}`);
  const cents = (max: number) => Math.round(random() * max * 100) / 100;
  return {
    locationId: location.locationId,
    meterPointIds: location.meterPointIds,
    activeAmount: cents(300),
    blockedAmount: cents(50),
    currency: currencyOf(meterPointId),
    problems: [],
  };
}

/** [I] By the GS1 country prefix of the meter point id: Norway, Sweden, Denmark; EUR elsewhere. */
function currencyOf(meterPointId: string): VolueCurrencyName {
  if (isEligibleMeterPoint(meterPointId)) return 'NOK';
  if (meterPointId.startsWith('735')) return 'SEK';
  if (meterPointId.startsWith('57')) return 'DKK';
  return 'EUR';
}
