import type { DateTime } from 'luxon';
import { createLoadProfile, HttpError, type LoadProfile } from '../../../shared/simulator/index.js';
import {
  HOUR_MS,
  type EnerkeyActionRecord,
  type EnerkeyAlarmRecord,
  type EnerkeyPushMode,
  type EnerkeyFacilityRecord,
  type EnerkeyProvisioningCustomer,
  type EnerkeyProvisioningRecord,
} from '../contract.js';
import {
  SEED_DATA_START_MS,
  seedActions,
  seedAlarms,
  seedFacilities,
  seedMeters,
  unitFactor,
  type SeededAlarm,
  type SeededMeter,
} from './seed.js';

/**
 * The simulator's in-memory state: the seed, then what requests changed; `reset()` returns it to the
 * seed. Provisioning creates facilities and meters, numbered after the highest id there is (a
 * provisioning id is the hash of its data set). A meter's hourly value is what was pushed for that
 * hour, else its seeded load; only hours that have ended by the simulator's clock have one.
 */
export class EnerkeySimulatorStore {
  readonly facilities = new Map<number, EnerkeyFacilityRecord>();
  readonly meters = new Map<number, SeededMeter>();
  readonly actions = new Map<number, EnerkeyActionRecord>();
  readonly alarms = new Map<number, SeededAlarm>();
  /** Default alarms provisioning created, by meter id (the simulator raises none from them). */
  readonly alarmDefinitions = new Map<number, string>();
  /** Provisioned facilities and meters by customer and external id → EnerKey id, so a repeat updates them. */
  readonly provisionedFacilities = new Map<string, number>();
  readonly provisionedMeters = new Map<string, number>();
  /** Pushed interval values by meter, keyed by hour start (epoch ms), in the meter's unit. */
  readonly pushed = new Map<number, Map<number, number>>();
  /** The latest cumulative reading pushed per meter (a cumulative push differences against it). */
  readonly lastReading = new Map<number, { hourMs: number; value: number }>();
  /** The provisioned customers: each UpsertProvisioningCustomer snapshot replaces them all. */
  readonly customers = new Map<string, EnerkeyProvisioningCustomer>();
  /** Provisioning data sets already processed, by content hash → provisioning id. */
  readonly dataSets = new Map<string, string>();
  readonly runs = new Map<string, EnerkeyProvisioningRecord>();
  /** Each key's 24-hour request budget: when its window started and how many calls it used. */
  readonly budgets = new Map<string, { windowStart: number; used: number }>();
  /** Each key's admitted calls in the burst window (epoch ms, oldest first). */
  readonly recentCalls = new Map<string, number[]>();
  /** Seeded load profiles by meter id: deterministic, so they survive a reset. */
  private readonly profiles = new Map<number, LoadProfile>();

  constructor(
    private readonly now: () => Date,
    /** What a consumption push does to an hour with a value: EnerKey's text says values add up. */
    readonly pushMode: EnerkeyPushMode = 'add',
  ) {
    this.reset();
  }

  reset(): void {
    for (const changed of [
      this.pushed,
      this.lastReading,
      this.customers,
      this.dataSets,
      this.runs,
      this.budgets,
      this.recentCalls,
      this.alarmDefinitions,
      this.provisionedFacilities,
      this.provisionedMeters,
    ]) {
      changed.clear();
    }
    refill(this.facilities, seedFacilities());
    refill(this.meters, seedMeters());
    refill(this.actions, seedActions());
    refill(this.alarms, seedAlarms());
  }

  /** The next id for a new facility or meter: after the highest there is. */
  nextId(records: ReadonlyMap<number, unknown>): number {
    return Math.max(0, ...records.keys()) + 1;
  }

  /** An alarm log entry as the API answers it; 404 when unknown or raised after the simulator's now. */
  alarm(id: number): EnerkeyAlarmRecord {
    const alarm = found(this.alarms.get(id), `Alarm ${id} not found`);
    const triggeredAt = alarm.hourMs + HOUR_MS + 30 * 60_000;
    if (triggeredAt > this.now().getTime()) throw new HttpError(404, `Alarm ${id} not found`);
    const meter = this.meter(alarm.meterId);
    const value = alarm.alarmType === 'MissingData' ? null : (this.hourValue(meter, alarm.hourMs) ?? null);
    const limit = alarm.limitShareOfPeak === null ? null : round(meter.peakKw * alarm.limitShareOfPeak * unitFactor(meter));
    const hour = new Date(alarm.hourMs).toISOString();
    const message = {
      ConsumptionAboveLimit: `Consumption ${value} ${meter.unit} at ${hour} is above the limit ${limit} ${meter.unit}`,
      ConsumptionBelowLimit: `Consumption ${value} ${meter.unit} at ${hour} is below the limit ${limit} ${meter.unit}`,
      MissingData: `No value was received for ${hour}`,
    }[alarm.alarmType];
    return {
      id,
      facilityId: meter.facilityId,
      meterId: meter.id,
      alarmType: alarm.alarmType,
      message,
      hour,
      triggeredAt: new Date(triggeredAt).toISOString(),
      value,
      limit,
      unit: meter.unit,
    };
  }

  facility(id: number): EnerkeyFacilityRecord {
    return found(this.facilities.get(id), `Facility ${id} not found`);
  }

  meter(id: number): SeededMeter {
    return found(this.meters.get(id), `Meter ${id} not found`);
  }

  action(id: number): EnerkeyActionRecord {
    return found(this.actions.get(id), `Action ${id} not found`);
  }

  /**
   * The meter's value for the hour starting at `hourMs` in its own unit, or undefined when there is none:
   * before the meter was installed, or for an hour that has not ended (a value pushed for it waits).
   */
  hourValue(meter: SeededMeter, hourMs: number): number | undefined {
    if (hourMs + HOUR_MS > this.now().getTime()) return undefined;
    return this.storedHourValue(meter, hourMs);
  }

  /** What the meter holds for the hour starting at `hourMs`, whether or not it has ended: pushed, else seeded. */
  storedHourValue(meter: SeededMeter, hourMs: number): number | undefined {
    const pushed = this.pushed.get(meter.id)?.get(hourMs);
    if (pushed !== undefined) return pushed;
    if (hourMs < SEED_DATA_START_MS || meter.provisioned) return undefined;
    const kwh = this.profileFor(meter).energyKwh(hourMs, HOUR_MS);
    if (kwh === null) return undefined;
    return round(kwh * unitFactor(meter));
  }

  /** Sums of a meter's hourly values per calendar month in the zone of `from`, over [from, to); none for a month that has not ended. */
  monthly(meter: SeededMeter, from: DateTime, to: DateTime): Array<{ start: DateTime; value: number }> {
    const out: Array<{ start: DateTime; value: number }> = [];
    for (
      let month = from.startOf('month');
      month < to && month.plus({ months: 1 }).toMillis() <= this.now().getTime();
      month = month.plus({ months: 1 })
    ) {
      const sum = this.sumOfHours(
        meter,
        Math.max(month.toMillis(), from.toMillis()),
        Math.min(month.plus({ months: 1 }).toMillis(), to.toMillis()),
      );
      if (sum !== undefined) out.push({ start: month, value: round(sum) });
    }
    return out;
  }

  /** The sum of the meter's hourly values starting in [startMs, endMs), or undefined when it has none there. */
  private sumOfHours(meter: SeededMeter, startMs: number, endMs: number): number | undefined {
    let sum: number | undefined;
    for (let hour = Math.ceil(startMs / HOUR_MS) * HOUR_MS; hour < endMs; hour += HOUR_MS) {
      const value = this.hourValue(meter, hour);
      if (value !== undefined) sum = (sum ?? 0) + value;
    }
    return sum;
  }

  private profileFor(meter: SeededMeter): LoadProfile {
    let profile = this.profiles.get(meter.id);
    if (!profile) {
      profile = createLoadProfile({ seed: `enerkey:meter:${meter.id}`, baseKw: meter.peakKw / 8, peakKw: meter.peakKw });
      this.profiles.set(meter.id, profile);
    }
    return profile;
  }
}

/** Values as the simulator stores and answers them: six decimals, so that sums do not drift. */
export function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function refill<T extends { id: number }>(map: Map<number, T>, records: readonly T[]): void {
  map.clear();
  for (const record of records) map.set(record.id, record);
}

function found<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new HttpError(404, message);
  return value;
}
