import { EnergyUnit } from './types.js';

/** Watt-hours in one of each unit. Integers, so a ratio between two of them is exact. */
export const WH_PER_UNIT: Readonly<Record<EnergyUnit, number>> = Object.freeze({
  [EnergyUnit.WH]: 1,
  [EnergyUnit.KWH]: 1_000,
  [EnergyUnit.MWH]: 1_000_000,
});

/**
 * Significant digits kept in every value we hand out. A double holds ~15.9; 12 leaves room for the error
 * that summing tens of thousands of readings accumulates, yet is far finer than any meter measures, so
 * rounding removes only binary noise (1.1 kWh → 1100 Wh, not 1100.0000000000002).
 */
export const ENERGY_SIGNIFICANT_DIGITS = 12;

/** Rounds away binary floating-point noise (see ENERGY_SIGNIFICANT_DIGITS). Keeps 0 as 0 (never -0). */
export function roundEnergy(value: number, significantDigits: number = ENERGY_SIGNIFICANT_DIGITS): number {
  if (!Number.isFinite(value)) throw new RangeError(`Energy value must be a finite number, got ${value}`);
  if (value === 0) return 0;
  return Number(value.toPrecision(significantDigits));
}

/**
 * `later − earlier` of two register readings, rounded to the precision the readings themselves carry
 * (ENERGY_SIGNIFICANT_DIGITS of the larger): a five-minute step of a register near 28,540 kWh is 0.005,
 * not the 0.0049999999973 that subtracting the doubles leaves.
 */
export function energyStep(later: number, earlier: number): number {
  const magnitude = Math.max(Math.abs(later), Math.abs(earlier));
  if (magnitude === 0) return 0;
  const scale = 10 ** (ENERGY_SIGNIFICANT_DIGITS - 1 - Math.floor(Math.log10(magnitude)));
  return roundEnergy(Math.round((later - earlier) * scale) / scale);
}

/**
 * Converts an energy value between units, e.g. `convertEnergy(1.234, KWH, WH) === 1234`.
 * Scaling up multiplies and scaling down divides by the exact integer ratio (dividing by 1000 is correctly
 * rounded, multiplying by 0.001 is not), then the result is rounded to ENERGY_SIGNIFICANT_DIGITS.
 */
export function convertEnergy(value: number, from: EnergyUnit, to: EnergyUnit): number {
  const fromWh = WH_PER_UNIT[from];
  const toWh = WH_PER_UNIT[to];
  if (fromWh === undefined) throw new RangeError(`Unknown energy unit: ${String(from)}`);
  if (toWh === undefined) throw new RangeError(`Unknown energy unit: ${String(to)}`);
  const scaled = fromWh >= toWh ? value * (fromWh / toWh) : value / (toWh / fromWh);
  return roundEnergy(scaled);
}

/**
 * Neumaier (improved Kahan) summation: the sum of many readings stays within a rounding step or two of
 * the exact sum, instead of drifting with the count. Cheap enough to use for every bucket.
 */
export class EnergySum {
  private sum = 0;
  private compensation = 0;

  add(value: number): void {
    const t = this.sum + value;
    if (Math.abs(this.sum) >= Math.abs(value)) this.compensation += this.sum - t + value;
    else this.compensation += value - t + this.sum;
    this.sum = t;
  }

  get value(): number {
    return this.sum + this.compensation;
  }
}
