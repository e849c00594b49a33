import { createLoadProfile, HttpError, type LoadProfile } from '../../../shared/simulator/index.js';
import { HALF_HOUR_MS } from '../contract.js';
import { SEED_DATA_START_MS, seedMeters, type SeededMeter } from './seed.js';

/**
 * The simulator's state: the seed, then what requests changed; `reset()` returns it to the seed. A
 * meter's reading for a half hour is its seeded load; only half hours that have ended by the
 * simulator's clock have one.
 */
export class __Name__SimulatorStore {
  readonly meters = new Map<string, SeededMeter>();
  /** Seeded load profiles by meter id: deterministic, so they survive a reset. */
  private readonly profiles = new Map<string, LoadProfile>();

  constructor(private readonly now: () => Date) {
    this.reset();
  }

  reset(): void {
    this.meters.clear();
    for (const meter of seedMeters()) this.meters.set(meter.id, meter);
  }

  meter(id: string): SeededMeter {
    const meter = this.meters.get(id);
    if (!meter) throw new HttpError(404, `Meter ${id} not found`);
    return meter;
  }

  /** The meter's energy (kWh) in the half hour starting at `startMs`; undefined before its data starts or before the half hour has ended. */
  halfHourKwh(meter: SeededMeter, startMs: number): number | undefined {
    if (startMs < SEED_DATA_START_MS || startMs + HALF_HOUR_MS > this.now().getTime()) return undefined;
    return this.profileFor(meter).energyKwh(startMs, HALF_HOUR_MS) ?? undefined;
  }

  private profileFor(meter: SeededMeter): LoadProfile {
    let profile = this.profiles.get(meter.id);
    if (!profile) {
      profile = createLoadProfile({ seed: `__name__:meter:${meter.id}`, baseKw: meter.peakKw / 8, peakKw: meter.peakKw });
      this.profiles.set(meter.id, profile);
    }
    return profile;
  }
}
