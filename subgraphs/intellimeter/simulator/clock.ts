import { ZoneRules } from '../../../shared/time/zone-rules.js';
import { INTELLIMETER_SAVE_EVERY_MS } from '../contract.js';

/** The simulator's clock, and the site's wall clock in which Intellimeter writes every timestamp. */
export class SiteClock {
  // Luxon per timestamp would cost a history file tens of milliseconds on the shared event loop.
  private readonly rules: ZoneRules;

  constructor(
    readonly now: () => Date,
    /** The site's IANA zone. */
    readonly zone: string,
  ) {
    this.rules = ZoneRules.of(zone);
  }

  /** The last 5-minute boundary reached: the newest saved register. */
  latestSlot(): number {
    return Math.floor(this.now().getTime() / INTELLIMETER_SAVE_EVERY_MS) * INTELLIMETER_SAVE_EVERY_MS;
  }

  /** Zone-less site-local time, as Intellimeter writes it: JSON and YAML "2019-10-30 13:15:00", XML "2019-10-30T13:15:00". */
  stamp(ms: number, responseType: string): string {
    return this.rules.wallClock(ms, responseType === 'xml' ? 'T' : ' ');
  }
}
