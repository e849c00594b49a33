import type { SourceRow } from './source.js';
import { ReadingQuality } from './types.js';
import { energyStep } from './units.js';

/**
 * Cumulative registers → interval energy (DESIGN.md, "Time series"). Two readings exactly one interval
 * apart give the energy between them. A drop of the register (a meter replacement, reset or rollover)
 * is flagged, and its interval is ESTIMATED with the energy counted since the drop, assuming the
 * register restarted from zero; it is never a negative value. Readings further apart leave the stretch
 * between them uncovered, so it shows as MISSING. Instants are epoch milliseconds.
 */

/** An interval of energy, as differenced or as a provider's interval row with its end. */
export interface NativeInterval {
  startMs: number;
  endMs: number;
  value: number | null;
  quality: ReadingQuality;
}

export interface RegisterReset {
  startMs: number;
  endMs: number;
  before: number;
  after: number;
}

export function differenceRegisters(
  registers: readonly SourceRow[],
  intervalMs: number,
): { intervals: NativeInterval[]; resets: RegisterReset[] } {
  const sorted = [...registers].sort((a, b) => a.at - b.at);
  const intervals: NativeInterval[] = [];
  const resets: RegisterReset[] = [];
  for (let index = 1; index < sorted.length; index++) {
    const previous = sorted[index - 1]!;
    const current = sorted[index]!;
    if (current.at - previous.at !== intervalMs) continue;
    const [startMs, endMs] = [previous.at, current.at];
    if (previous.value === null || current.value === null) continue;
    if (current.value >= previous.value) {
      const quality = worse(previous.quality, current.quality);
      intervals.push({ startMs, endMs, value: energyStep(current.value, previous.value), quality });
    } else {
      resets.push({ startMs, endMs, before: previous.value, after: current.value });
      intervals.push({ startMs, endMs, value: current.value, quality: ReadingQuality.ESTIMATED });
    }
  }
  return { intervals, resets };
}

/** ESTIMATED if either register is; a MISSING register has no value and is skipped before this. */
function worse(a: ReadingQuality | undefined, b: ReadingQuality | undefined): ReadingQuality {
  return a === ReadingQuality.ESTIMATED || b === ReadingQuality.ESTIMATED ? ReadingQuality.ESTIMATED : ReadingQuality.MEASURED;
}
