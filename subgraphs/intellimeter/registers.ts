import { ReadingQuality, type NativeReading } from '../../shared/timeseries/index.js';

/**
 * Cumulative registers → interval energy (DESIGN.md, "Time series"). Two readings exactly one save
 * interval apart give the energy between them; a drop of the register (a meter replacement, reset or
 * rollover) is flagged and its interval reported as ESTIMATED with the energy counted since the drop,
 * assuming the register restarted from zero, never as a negative value. Readings further apart leave
 * the stretch between them uncovered, so it shows as MISSING.
 */
export interface RegisterPoint {
  at: Date;
  /** kWh */
  value: number;
}

export interface RegisterReset {
  start: Date;
  end: Date;
  beforeKwh: number;
  afterKwh: number;
}

export interface DifferencedRegisters {
  readings: NativeReading[];
  resets: RegisterReset[];
}

export const SAVE_INTERVAL_MS = 5 * 60_000;

export function differenceRegisters(registers: readonly RegisterPoint[], intervalMs: number = SAVE_INTERVAL_MS): DifferencedRegisters {
  const sorted = [...registers].sort((a, b) => a.at.getTime() - b.at.getTime());
  const readings: NativeReading[] = [];
  const resets: RegisterReset[] = [];
  for (let index = 1; index < sorted.length; index++) {
    const previous = sorted[index - 1]!;
    const current = sorted[index]!;
    if (current.at.getTime() - previous.at.getTime() !== intervalMs) continue;
    const start = previous.at;
    const end = current.at;
    if (current.value >= previous.value) {
      readings.push({ start, end, value: round(current.value - previous.value), quality: ReadingQuality.MEASURED });
    } else {
      resets.push({ start, end, beforeKwh: previous.value, afterKwh: current.value });
      readings.push({ start, end, value: current.value, quality: ReadingQuality.ESTIMATED });
    }
  }
  return { readings, resets };
}

/** Registers carry 3 decimals (Wh); their difference does too, without binary noise. */
function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
