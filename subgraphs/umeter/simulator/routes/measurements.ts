import type { Express, Request } from 'express';
import type { DateTime } from 'luxon';
import { HttpError } from '../../../../shared/simulator/index.js';
import {
  MEAS_KEYS,
  MEASUREMENT_PERIOD_FORMAT,
  MEASUREMENT_ROUTES,
  UMETER_MAX_EANS_PER_CALL,
  UMETER_PATHS,
  type MeasKey,
  type MeasurementRoute,
  type UmeterMeasurementsRecord,
  type UmeterMeasurementValueRecord,
} from '../../contract.js';
import { dutchPeriodStart, dutchWallClock } from '../dutch-time.js';
import { QUARTER_HOUR_MS, type UmeterSimulatorStore } from '../store.js';
import type { SeededSite } from '../seed.js';
import type { UmeterRouteDeps } from './index.js';

/** The Dutch period each route's path names, and what one value covers (`date`: a quarter hour). */
const SPANS = {
  year: { period: 'year', value: 'month' },
  month: { period: 'month', value: 'day' },
  date: { period: 'day', value: undefined },
} as const;

interface Period {
  from: DateTime;
  to: DateTime;
  /** A Dutch calendar unit, or undefined for quarter hours. */
  valueUnit: 'month' | 'day' | undefined;
}

/** Measurement host: one call serves several metering points and keys (the body is inferred, CONTRACT.md). */
export function registerMeasurementRoutes(app: Express, { store, now, requireToken }: UmeterRouteDeps): void {
  for (const route of MEASUREMENT_ROUTES) {
    app.get(`/${UMETER_PATHS.measurements(route, ':period')}`, requireToken, (req, res) => {
      const period = periodParam(route, String(req.params.period));
      const eans = meteringPoints(req);
      const keys = measKeys(req);
      const sites = eans.map((ean) => store.site(ean));
      const nowMs = now().getTime();
      const answer: UmeterMeasurementsRecord = {
        meteringPoints: sites.map((site) => ({
          meteringPointId: site.ean,
          measurements: keys.map((key) => ({ measKey: key, unit: 'kWh', values: measuredValues(store, site, key, period, nowMs) })),
        })),
      };
      res.json(answer);
    });
  }
}

/** The values of one period, each stamped by its start; an interval that has not ended by `nowMs` has none yet. */
function measuredValues(store: UmeterSimulatorStore, site: SeededSite, key: MeasKey, { from, to, valueUnit }: Period, nowMs: number) {
  const values: UmeterMeasurementValueRecord[] = [];
  if (valueUnit === undefined) {
    for (let t = from.toMillis(); t < to.toMillis() && t + QUARTER_HOUR_MS <= nowMs; t += QUARTER_HOUR_MS) {
      values.push({ timestamp: dutchWallClock(t), value: store.quarterWh(site, key, t) / 1000 });
    }
    return values;
  }
  for (let start = from; start < to; start = start.plus({ [valueUnit]: 1 })) {
    const end = start.plus({ [valueUnit]: 1 });
    if (end.toMillis() > nowMs) break;
    values.push({ timestamp: dutchWallClock(start.toMillis()), value: store.sumWh(site, key, start.toMillis(), end.toMillis()) / 1000 });
  }
  return values;
}

function periodParam(route: MeasurementRoute, value: string): Period {
  const format = MEASUREMENT_PERIOD_FORMAT[route];
  const from = dutchPeriodStart(value, format, `The ${route} must be written ${format.toUpperCase()}`);
  return { from, to: from.plus({ [SPANS[route].period]: 1 }), valueUnit: SPANS[route].value };
}

function meteringPoints(req: Request): string[] {
  const eans = listParam(req, 'meteringPointIds');
  if (eans.length === 0) throw new HttpError(400, 'meteringPointIds is required');
  if (eans.length > UMETER_MAX_EANS_PER_CALL) throw new HttpError(400, `At most ${UMETER_MAX_EANS_PER_CALL} meteringPointIds per call`);
  return eans;
}

/** `measKeys`, `import` when none is given. */
function measKeys(req: Request): MeasKey[] {
  const keys = listParam(req, 'measKeys');
  for (const key of keys) {
    if (!MEAS_KEYS.includes(key as MeasKey)) throw new HttpError(400, `measKeys must be among ${MEAS_KEYS.join(', ')}`);
  }
  return keys.length === 0 ? ['import'] : (keys as MeasKey[]);
}

/** A list parameter, given comma-separated or repeated. */
function listParam(req: Request, name: string): string[] {
  const raw = req.query[name];
  if (raw === undefined) return [];
  const parts = Array.isArray(raw) ? raw : [raw];
  return parts
    .flatMap((part) => String(part).split(','))
    .map((part) => part.trim())
    .filter(Boolean);
}
