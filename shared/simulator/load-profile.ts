import { fnv1a } from './ids.js';

/**
 * A seeded, deterministic building load profile. Energy is a pure function of (seed, time): every
 * 5-minute slot gets a whole number of watt-hours from a hash of (seed, slot index) shaped by time of
 * day, weekday and season. Keeping slots integral in Wh makes every sum exact, so a day is exactly the
 * sum of its half hours and values have at most 3 decimals in kWh at every resolution.
 */

export const SLOT_MS = 5 * 60_000;
const SLOTS_PER_HALF_HOUR = 6;
const HALF_HOUR_MS = SLOTS_PER_HALF_HOUR * SLOT_MS;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Weekday factor of the daytime load, indexed by UTC day of week (0 = Sunday). */
const WEEKDAY_FACTOR = [0.25, 1, 1, 1, 1, 0.95, 0.35] as const;

// Distinct salts so that the independent random draws of one slot are uncorrelated.
const SALT_BASE = 1;
const SALT_ACTIVE = 2;
const SALT_GAP = 3;
const SALT_SCALE = 4;
const SALT_OPENS = 5;
const SALT_CLOSES = 6;

export interface LoadProfileOptions {
  seed: string;
  /** Always-on load (kW), before noise. */
  baseKw?: number;
  /** Typical weekday daytime load (kW), before the per-seed scale, season and noise. */
  peakKw?: number;
  /** Share of half-hour slots that have no data, 0..1. */
  gapShare?: number;
  /** Stretches with no data, every week (a half hour is a gap when it starts in one). */
  outages?: readonly WeeklyStretch[];
}

/** The same hours of one weekday, every week, in UTC (chosen inside the Dutch day, summer and winter). */
export interface WeeklyStretch {
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  fromHour: number;
  toHour: number;
}

/** Whether the instant `ms` falls in `stretch`. */
export function inWeeklyStretch(stretch: WeeklyStretch, ms: number): boolean {
  const at = new Date(ms);
  return at.getUTCDay() === stretch.weekday && at.getUTCHours() >= stretch.fromHour && at.getUTCHours() < stretch.toHour;
}

export interface LoadProfileSlot {
  startMs: number;
  /** Energy in the slot, or null when any part of it falls in a gap. */
  kwh: number | null;
}

export interface LoadProfile {
  /**
   * Energy (kWh) consumed in [startMs, startMs + durationMs), or null if any half hour it touches is a
   * gap. Both arguments must be multiples of 5 minutes (the profile's native resolution).
   */
  energyKwh(startMs: number, durationMs: number): number | null;
  /**
   * Lazily yields consecutive `stepMs` slots from `fromMs` while a whole slot fits before `toMs`, so
   * memory stays flat for any range. `fromMs` and `stepMs` must be multiples of 5 minutes.
   */
  slots(fromMs: number, toMs: number, stepMs: number): Generator<LoadProfileSlot, void, undefined>;
}

export function createLoadProfile(options: LoadProfileOptions): LoadProfile {
  const { seed, baseKw = 0.6, peakKw = 6, gapShare = 0, outages = [] } = options;
  if (!(baseKw >= 0) || !(peakKw >= baseKw)) throw new RangeError('load profile needs 0 <= baseKw <= peakKw');
  if (!(gapShare >= 0 && gapShare <= 1)) throw new RangeError('load profile gapShare must be within 0..1');

  const seedHash = fnv1a(seed);
  // Per-seed character, so that two meters differ in size and opening hours, not only in noise.
  const scale = 0.75 + 0.5 * unitHash(seedHash, 0, SALT_SCALE);
  const opensAt = 6 + 2 * unitHash(seedHash, 0, SALT_OPENS);
  const closesAt = 17 + 2.5 * unitHash(seedHash, 0, SALT_CLOSES);

  function slotWh(slot: number): number {
    const startMs = slot * SLOT_MS;
    const day = Math.floor(startMs / DAY_MS);
    const hour = (startMs - day * DAY_MS + SLOT_MS / 2) / HOUR_MS;
    const occupancy = smoothstep(opensAt - 1, opensAt + 1, hour) * (1 - smoothstep(closesAt - 1, closesAt + 1, hour));
    const weekday = WEEKDAY_FACTOR[(((day + 4) % 7) + 7) % 7]; // 1970-01-01 was a Thursday
    const season = 1 + 0.2 * Math.cos((2 * Math.PI * (day - 15)) / 365.2425); // heaviest mid-January
    const kw =
      baseKw * (0.9 + 0.2 * unitHash(seedHash, slot, SALT_BASE)) +
      (peakKw - baseKw) * scale * occupancy * weekday * season * (0.85 + 0.3 * unitHash(seedHash, slot, SALT_ACTIVE));
    return Math.round((kw * 1000) / 12); // a 5-minute slot is 1/12 hour
  }

  function isGap(halfHour: number): boolean {
    if (outages.some((stretch) => inWeeklyStretch(stretch, halfHour * HALF_HOUR_MS))) return true;
    return gapShare > 0 && unitHash(seedHash, halfHour, SALT_GAP) < gapShare;
  }

  function energyKwh(startMs: number, durationMs: number): number | null {
    if (!isSlotMultiple(startMs) || !isSlotMultiple(durationMs) || durationMs < 0) {
      throw new RangeError('energyKwh needs a start and a non-negative duration in whole 5-minute slots');
    }
    const first = startMs / SLOT_MS;
    const end = first + durationMs / SLOT_MS;
    let wh = 0;
    for (let slot = first; slot < end; slot++) {
      if (isGap(Math.floor(slot / SLOTS_PER_HALF_HOUR))) return null;
      wh += slotWh(slot);
    }
    return wh / 1000;
  }

  function* iterate(fromMs: number, toMs: number, stepMs: number): Generator<LoadProfileSlot, void, undefined> {
    for (let startMs = fromMs; startMs + stepMs <= toMs; startMs += stepMs) {
      yield { startMs, kwh: energyKwh(startMs, stepMs) };
    }
  }

  return {
    energyKwh,
    // Validates eagerly: a generator function's body (and its checks) would only run on first next().
    slots(fromMs, toMs, stepMs) {
      if (!isSlotMultiple(fromMs) || !isSlotMultiple(stepMs) || stepMs <= 0) {
        throw new RangeError('slots needs a start and a positive step in whole 5-minute slots');
      }
      return iterate(fromMs, toMs, stepMs);
    },
  };
}

function isSlotMultiple(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms % SLOT_MS === 0;
}

function smoothstep(from: number, to: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - from) / (to - from)));
  return t * t * (3 - 2 * t);
}

/** A value in [0, 1) from (seed hash, index, salt), via the MurmurHash3 finalizer. */
function unitHash(seedHash: number, index: number, salt: number): number {
  let h = seedHash ^ Math.imul(index | 0, 0x9e3779b1) ^ Math.imul(salt, 0x85ebca6b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
