import type { Express } from 'express';
import { DateTime } from 'luxon';
import { fnv1a, HttpError } from '../../../../shared/simulator/index.js';
import {
  UMETER_DAY_FORMAT,
  UMETER_MAX_P4_DAYS,
  UMETER_PATHS,
  UMETER_TIME_ZONE,
  type Registers,
  type UmeterP4IntervalRecord,
  type UmeterP4Record,
  type UmeterP4SpecRecord,
} from '../../contract.js';
import { dutchPeriodStart, dutchWallClock } from '../dutch-time.js';
import { QUARTER_HOUR_MS, type UmeterSimulatorStore } from '../store.js';
import type { SeededSite } from '../seed.js';
import type { UmeterRouteDeps } from './index.js';

/** App host: P4 usage per register and its cost, at a resolution that depends on the span (CONTRACT.md). */
export function registerP4Routes(app: Express, { store, requireToken }: UmeterRouteDeps): void {
  app.get(`/${UMETER_PATHS.p4(':ean', ':from', ':to')}`, requireToken, (req, res) => {
    const site = store.site(String(req.params.ean));
    const from = dayParam(String(req.params.from), 'from');
    const to = dayParam(String(req.params.to), 'to');
    const days = to.diff(from, 'days').days;
    if (days < 1) throw new HttpError(400, 'to must be at least one day after from');
    if (days > UMETER_MAX_P4_DAYS) throw new HttpError(400, `At most ${UMETER_MAX_P4_DAYS} days per request`);
    res.json(new P4Answer(store, site).body(from, to));
  });
}

function dayParam(value: string, name: string): DateTime {
  return dutchPeriodStart(value, UMETER_DAY_FORMAT, `${name} must be a date as YYYYMMDD`);
}

interface Tally {
  usage: Registers;
  cost: Registers;
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const rounded = (registers: Registers): Registers => ({
  r181: round2(registers.r181),
  r182: round2(registers.r182),
  r281: round2(registers.r281),
  r282: round2(registers.r282),
});
const costSum = (cost: Registers) => cost.r181 + cost.r182 + cost.r281 + cost.r282;

/** Low tariff ("dal") from 23:00 to 07:00 and all weekend, Dutch time. */
function isLowTariff(ms: number): boolean {
  const local = DateTime.fromMillis(ms, { zone: UMETER_TIME_ZONE });
  return local.weekday >= 6 || local.hour >= 23 || local.hour < 7;
}

/** One site's P4 answer: the store's quarter hours, split by tariff into registers and priced. */
class P4Answer {
  constructor(
    private readonly store: UmeterSimulatorStore,
    private readonly site: SeededSite,
  ) {}

  body(from: DateTime, to: DateTime): UmeterP4Record {
    const days = Math.round(to.diff(from, 'days').days);
    const total = this.tally(from.toMillis(), to.toMillis());
    const previous = this.tally(from.minus({ days }).toMillis(), from.toMillis());
    return {
      beginReadings: this.beginReadings(from),
      beginReadingsDate: from.toFormat(UMETER_DAY_FORMAT),
      totalUsage: rounded(total.usage),
      totalUsagePrev: rounded(previous.usage),
      totalCost: rounded(total.cost),
      totalCost2: round2(costSum(total.cost)),
      totalCostPrev: rounded(previous.cost),
      totalCostPrev2: round2(costSum(previous.cost)),
      aData: this.intervals(from, to, days),
      sunInfo: { sunRise: `${from.toFormat('yyyy-MM-dd')} 07:37:20`, sunSet: `${from.toFormat('yyyy-MM-dd')} 19:24:25` },
      explain: {
        specs: [
          spec('Normaaltarief', 'HighUsage', from, to, total.usage.r182, this.site.pricePeak),
          spec('Daltarief', 'LowUsage', from, to, total.usage.r181, this.site.priceOffPeak),
        ],
        excBtw: round2(costSum(total.cost) / 1.21),
        btw: round2(costSum(total.cost) - costSum(total.cost) / 1.21),
        incBtw: round2(costSum(total.cost)),
      },
      dataSource: 'Netbeheerder',
    };
  }

  /**
   * 1 day: quarter hours; 2–4 days: hours; longer: days. Fixed steps advance in absolute time (a
   * fall-back day has 100 quarter hours), days by the Dutch calendar.
   */
  private intervals(from: DateTime, to: DateTime, days: number): UmeterP4IntervalRecord[] {
    const stepMs = days === 1 ? QUARTER_HOUR_MS : days <= 4 ? 4 * QUARTER_HOUR_MS : undefined;
    const rows: UmeterP4IntervalRecord[] = [];
    for (let start = from; start < to; ) {
      const end = stepMs ? DateTime.fromMillis(start.toMillis() + stepMs, { zone: UMETER_TIME_ZONE }) : start.plus({ days: 1 });
      const { usage, cost } = this.tally(start.toMillis(), end.toMillis());
      const row: UmeterP4IntervalRecord = {
        dateFrom: dutchWallClock(start.toMillis(), ' '),
        dateTo: dutchWallClock(end.toMillis(), ' '),
        usage,
        cost,
        totalCost: costSum(cost),
      };
      if (start.minute === 0) row.temperature = 2 + (fnv1a(`${this.site.ean}:temp:${start.toMillis()}`) % 200) / 10;
      rows.push(row);
      start = end;
    }
    return rows;
  }

  /** Cumulative counters at the start: a per-EAN base plus a steady yearly usage since 2025. */
  private beginReadings(from: DateTime): Registers {
    const daysSince = from.diff(DateTime.fromISO('2025-01-01', { zone: UMETER_TIME_ZONE }), 'days').days;
    const base = 1000 + (fnv1a(this.site.ean) % 9000);
    const exports = this.site.solarKw > 0;
    return {
      r182: Math.round(base + daysSince * 20),
      r181: Math.round(base * 1.3 + daysSince * 14),
      r282: exports ? Math.round(daysSince * 30) : 0.0,
      r281: exports ? Math.round(daysSince * 6) : 0.0,
    };
  }

  private tally(fromMs: number, toMs: number): Tally {
    const wh = { r181: 0, r182: 0, r281: 0, r282: 0 };
    for (let t = fromMs; t < toMs; t += QUARTER_HOUR_MS) {
      const low = isLowTariff(t);
      wh[low ? 'r181' : 'r182'] += this.store.quarterWh(this.site, 'import', t);
      wh[low ? 'r281' : 'r282'] += this.store.quarterWh(this.site, 'export', t);
    }
    const usage = { r181: wh.r181 / 1000, r182: wh.r182 / 1000, r281: wh.r281 / 1000, r282: wh.r282 / 1000 };
    const { pricePeak, priceOffPeak } = this.site;
    return {
      usage,
      cost: {
        r181: usage.r181 * priceOffPeak,
        r182: usage.r182 * pricePeak,
        r281: -usage.r281 * priceOffPeak,
        r282: -usage.r282 * pricePeak,
      },
    };
  }
}

function spec(name: string, tType: string, from: DateTime, to: DateTime, quantity: number, tariff: number): UmeterP4SpecRecord {
  const amount = round2(quantity * tariff);
  return {
    name,
    tType,
    specSlices: [
      {
        dateFrom: from.toFormat('yyyy-MM-dd HH:mm:ss'),
        dateTo: to.toFormat('yyyy-MM-dd HH:mm:ss'),
        sliceName: '',
        usageSlices: [{ quantity: round2(quantity), tariff, amountToPay: amount }],
      },
    ],
    totalQuantity: round2(quantity),
    totalAmountToPay: amount,
  };
}
