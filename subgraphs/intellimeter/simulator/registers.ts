import { INTELLIMETER_SAVE_EVERY_MS } from '../contract.js';
import { REGISTER_EPOCH_MS } from './seed.js';
import type { SimulatedPoint } from './store.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * What each point's cumulative register reads (kWh, 3 decimals) at a 5-minute boundary: its seeded base
 * plus its load profile's energy since the register epoch, or only the energy since its reset.
 */
export class Registers {
  /** Energy from the epoch to each UTC midnight, per point id (energy sums are expensive to redo). */
  private readonly midnightEnergy = new Map<number, number[]>();

  /** The register at the 5-minute boundary `ms`. */
  at(point: SimulatedPoint, ms: number): number {
    const reset = point.resetAtMs;
    const value =
      reset !== null && ms >= reset
        ? this.energySinceEpoch(point, ms) - this.energySinceEpoch(point, reset)
        : point.registerBase + this.energySinceEpoch(point, ms);
    return roundKwh(value);
  }

  /** Registers every 5 minutes from `fromMs` to `toMs` (both included), summed slot by slot (fast for long files). */
  series(point: SimulatedPoint, fromMs: number, toMs: number): number[] {
    const values: number[] = [];
    let value = fromMs <= toMs ? this.at(point, fromMs) : 0;
    for (let at = fromMs; at <= toMs; at += INTELLIMETER_SAVE_EVERY_MS) {
      if (at > fromMs) {
        value = at === point.resetAtMs ? 0 : value + point.profile.energyKwh(at - INTELLIMETER_SAVE_EVERY_MS, INTELLIMETER_SAVE_EVERY_MS)!;
      }
      values.push(roundKwh(value));
    }
    return values;
  }

  /** Energy between two boundaries as the registers tell it; a reset between them is no consumption, so never negative. */
  energyBetween(point: SimulatedPoint, fromMs: number, toMs: number): number {
    return Math.max(0, roundKwh(this.at(point, toMs) - this.at(point, fromMs)));
  }

  /** Energy of each of the `hours` hours before `endMs`, oldest first. */
  hourlyEnergy(point: SimulatedPoint, endMs: number, hours: number): number[] {
    return Array.from({ length: hours }, (_, index) => {
      const from = endMs - (hours - index) * HOUR_MS;
      return this.energyBetween(point, from, from + HOUR_MS);
    });
  }

  /** Energy (kWh) from the register epoch to `ms` (a 5-minute boundary). */
  private energySinceEpoch(point: SimulatedPoint, ms: number): number {
    const days = this.midnightEnergy.get(point.id) ?? [0];
    this.midnightEnergy.set(point.id, days);
    const day = Math.floor((ms - REGISTER_EPOCH_MS) / DAY_MS);
    while (days.length <= day) {
      const start = REGISTER_EPOCH_MS + (days.length - 1) * DAY_MS;
      days.push(days[days.length - 1]! + point.profile.energyKwh(start, DAY_MS)!);
    }
    const midnight = REGISTER_EPOCH_MS + day * DAY_MS;
    return days[day]! + point.profile.energyKwh(midnight, ms - midnight)!;
  }
}

function roundKwh(value: number): number {
  return Math.round(value * 1000) / 1000;
}
