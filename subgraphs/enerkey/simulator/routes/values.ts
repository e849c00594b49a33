import type { Express, Request } from 'express';
import { DateTime } from 'luxon';
import { HttpError, queryString } from '../../../../shared/simulator/index.js';
import {
  DAY_MS,
  ENERKEY_MAX_METERS_PER_VALUES_CALL,
  ENERKEY_MAX_VALUES_DAYS,
  ENERKEY_VALUES_PATHS,
  HOUR_MS,
  type EnerkeyRawSeries,
  type EnerkeyValuesKind,
  type EnerkeyWireValue,
} from '../../contract.js';
import { formatTimestamp, idList, timestamp } from '../parse.js';
import { normalizationFactor, type SeededMeter } from '../seed.js';
import { round, type EnerkeySimulatorStore } from '../store.js';
import type { EnerkeyRouteDeps } from './index.js';

/**
 * Values of up to 50 meters over [start, end): hourly, or per calendar month in the offset of `start`
 * (plain or weather-normalized). Unknown meters, hours without data and periods that have not ended are
 * left out; timestamps come back in the form of `start`.
 */
export function registerValueRoutes(app: Express, { store, authorize }: EnerkeyRouteDeps): void {
  app.get(`/${ENERKEY_VALUES_PATHS.hourly}`, authorize, (req, res) => {
    const { meters, start, end, format } = valuesRequest(req, store, 'hourly');
    const first = Math.ceil(start.toMillis() / HOUR_MS) * HOUR_MS;
    res.json(
      meters.map((m): EnerkeyRawSeries => {
        const values: EnerkeyWireValue[] = [];
        for (let hour = first; hour + HOUR_MS <= end.toMillis(); hour += HOUR_MS) {
          const value = store.hourValue(m, hour);
          if (value !== undefined) values.push({ timestamp: format(DateTime.fromMillis(hour)), value });
        }
        return { ...seriesHeader(m), values };
      }),
    );
  });
  for (const kind of ['monthly', 'normalized'] as const) {
    const normalized = kind === 'normalized';
    app.get(`/${ENERKEY_VALUES_PATHS[kind]}`, authorize, (req, res) => {
      const { meters, start, end, format } = valuesRequest(req, store, kind);
      res.json(
        meters.map(
          (m): EnerkeyRawSeries => ({
            ...seriesHeader(m),
            ...(normalized ? { normalization: 'heating degree days' } : {}),
            values: store.monthly(m, start, end).map(({ start: month, value }) => ({
              timestamp: format(month),
              value: normalized ? round(value * normalizationFactor(m, month)) : value,
            })),
          }),
        ),
      );
    });
  }
}

function valuesRequest(req: Request, store: EnerkeySimulatorStore, kind: EnerkeyValuesKind) {
  const ids = idList(queryString(req, 'meterIds'), 'meterIds');
  if (ids.length === 0) throw new HttpError(400, 'meterIds is required: a comma-separated list of meter ids');
  if (ids.length > ENERKEY_MAX_METERS_PER_VALUES_CALL) {
    throw new HttpError(400, `At most ${ENERKEY_MAX_METERS_PER_VALUES_CALL} meterIds per request`);
  }
  const start = timestamp(queryString(req, 'start'), 'start');
  const end = timestamp(queryString(req, 'end'), 'end');
  if (end <= start) throw new HttpError(400, 'end must be after start');
  const maxDays = ENERKEY_MAX_VALUES_DAYS[kind];
  if (end.toMillis() - start.toMillis() > maxDays * DAY_MS) throw new HttpError(400, `At most ${maxDays} days per request`);
  // EnerKey answers in the form asked for: the offset of `start` (Z stays Z).
  const meters = ids.map((id) => store.meters.get(id)).filter((m): m is SeededMeter => m !== undefined);
  return { meters, start, end, format: (t: DateTime) => formatTimestamp(t, start) };
}

function seriesHeader(m: SeededMeter): Omit<EnerkeyRawSeries, 'values'> {
  return { meterId: m.id, quantityId: m.quantityId, unit: m.unit };
}
