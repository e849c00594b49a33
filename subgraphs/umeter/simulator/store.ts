import { DateTime } from 'luxon';
import { fnv1a, HttpError, inWeeklyStretch } from '../../../shared/simulator/index.js';
import type { MeasKey, UmeterCustomerRecord } from '../contract.js';
import { SEED_CUSTOMER_ID, SEED_SITES, seedCustomer, type SeededSite } from './seed.js';

export const QUARTER_HOUR_MS = 15 * 60_000;

/**
 * The simulator's state: the seeded account. UMeter's API only reads, so no request changes it, a reset
 * has nothing to restore and nothing is numbered. What a site's meter records is a deterministic function
 * of (EAN, quarter hour), in whole Wh so that every sum is exact: every route agrees, a day from `/month`
 * is the sum of its quarter hours from `/date`, and P4's registers split the same quarter hours.
 */
export class UmeterSimulatorStore {
  readonly customerId = SEED_CUSTOMER_ID;
  readonly customer: UmeterCustomerRecord;
  private readonly sitesByEan = new Map(SEED_SITES.map((site) => [site.ean, site]));

  /** `email`: the account's user name, which the customer answer repeats. */
  constructor(email: string) {
    this.customer = seedCustomer(email);
  }

  /** The site of a metering point of this account, or a 404. */
  site(ean: string): SeededSite {
    const site = this.sitesByEan.get(ean);
    if (!site) throw new HttpError(404, `Metering point ${ean} is not connected to this account`);
    return site;
  }

  /** What the meter records as import or export in the quarter hour starting at `startMs`: the net of load and panels. */
  quarterWh(site: SeededSite, key: MeasKey, startMs: number): number {
    const net = consumedWh(site, startMs) - solarWh(site, startMs);
    return key === 'import' ? Math.max(net, 0) : Math.max(-net, 0);
  }

  sumWh(site: SeededSite, key: MeasKey, fromMs: number, toMs: number): number {
    let wh = 0;
    for (let t = fromMs; t < toMs; t += QUARTER_HOUR_MS) wh += this.quarterWh(site, key, t);
    return wh;
  }
}

function consumedWh(site: SeededSite, startMs: number): number {
  const factor = site.overRead && inWeeklyStretch(site.overRead, startMs) ? site.overRead.factor : 1;
  return Math.round((site.load.energyKwh(startMs, QUARTER_HOUR_MS) ?? 0) * factor * 1000);
}

/** Solar output: a daylight arch around 11:40 UTC (solar noon in the Netherlands), longer and higher in summer, with clouds. */
function solarWh(site: SeededSite, startMs: number): number {
  if (site.solarKw === 0) return 0;
  const day = DateTime.fromMillis(startMs, { zone: 'utc' });
  const summer = Math.cos((2 * Math.PI * (day.ordinal - 172)) / 365.25); // 1 at midsummer, -1 at midwinter
  const halfDayHours = 6 + 2.3 * summer;
  const hour = day.hour + (day.minute + 7.5) / 60;
  const x = (hour - (11.67 - halfDayHours)) / (2 * halfDayHours);
  if (x <= 0 || x >= 1) return 0;
  const clouds = 0.45 + 0.55 * ((fnv1a(`${site.ean}:sun:${Math.floor(startMs / 86_400_000)}`) % 1000) / 1000);
  const kw = site.solarKw * (0.6 + 0.4 * summer) * Math.sin(Math.PI * x) * clouds;
  return Math.round(kw * 250); // a quarter hour is 1/4 hour
}
