import type { DateTime } from 'luxon';
import { createLoadProfile, HttpError, type LoadProfile } from '../../../shared/simulator/index.js';
import {
  HOUR_MS,
  type EnerkeyActionRecord,
  type EnerkeyFacilityRecord,
  type EnerkeyProvisioningCustomer,
  type EnerkeyProvisioningRecord,
} from '../contract.js';
import { SEED_DATA_START_MS, seedActions, seedFacilities, seedMeters, unitFactor, type SeededMeter } from './seed.js';

/**
 * The simulator's in-memory state: the seed, then what requests changed; `reset()` returns it to the
 * seed. EnerKey numbers nothing that a request creates (a provisioning id is the hash of its data set),
 * so there is no id counter. A meter's hourly value is the value pushed for that hour, else its seeded
 * load; only hours that have ended by the simulator's clock have one.
 */
export class EnerkeySimulatorStore {
  readonly facilities = new Map<number, EnerkeyFacilityRecord>();
  readonly meters = new Map<number, SeededMeter>();
  readonly actions = new Map<number, EnerkeyActionRecord>();
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
  /** Seeded load profiles by meter id: deterministic, so they survive a reset. */
  private readonly profiles = new Map<number, LoadProfile>();

  constructor(private readonly now: () => Date) {
    this.reset();
  }

  reset(): void {
    for (const changed of [this.pushed, this.lastReading, this.customers, this.dataSets, this.runs, this.budgets]) changed.clear();
    refill(this.facilities, seedFacilities());
    refill(this.meters, seedMeters());
    refill(this.actions, seedActions());
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
    const pushed = this.pushed.get(meter.id)?.get(hourMs);
    if (pushed !== undefined) return pushed;
    if (hourMs < SEED_DATA_START_MS) return undefined;
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
