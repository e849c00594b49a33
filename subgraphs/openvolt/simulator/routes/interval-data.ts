import type { Express, Request } from 'express';
import { DateTime, type DurationLikeObject } from 'luxon';
import { HttpError, queryEnum, queryString, type LoadProfile } from '../../../../shared/simulator/index.js';
import {
  OPENVOLT_GRANULARITIES,
  OPENVOLT_MAX_CALL_DAYS,
  OPENVOLT_MAX_CALL_YEARS,
  OPENVOLT_PATHS,
  type OpenvoltGranularity,
  type OpenvoltIntervalDataBody,
} from '../../contract.js';
import { apiRoute, calendarDate } from '../request.js';
import { SEED_ACCOUNT_ID } from '../seed.js';
import type { OpenvoltSimulatorStore, SimulatedMeter } from '../store.js';
import type { OpenvoltRouteDeps } from './index.js';

const HALF_HOUR_MS = 30 * 60_000;
const DAY_MS = 86_400_000;

/** `/interval-data`: a meter's half hours, or their UTC day…year sums, in the live API's shape. */
export function registerIntervalDataRoutes(app: Express, { store, now, requireApiKey }: OpenvoltRouteDeps): void {
  app.get(apiRoute(OPENVOLT_PATHS.intervalData), requireApiKey, (req, res) => {
    const meter = meterForIntervalData(req, store);
    const granularity = queryEnum(req, 'granularity', OPENVOLT_GRANULARITIES) ?? 'hh';
    const at = now(); // one clock reading, so the default end and the "no future data" cut agree
    const { startMs, endMs } = intervalRange(req, at);
    checkRangeLimit(granularity, startMs, endMs);
    // A pending meter has no data pulled yet.
    const rows =
      meter.status === 'pending' ? [] : bucketRows(store.profileFor(meter.meter_number), granularity, startMs, endMs, at.getTime());
    const body: OpenvoltIntervalDataBody = {
      startInterval: new Date(startMs).toISOString(),
      endInterval: new Date(endMs - 1000).toISOString(),
      granularity,
      data: rows.map((row) => ({
        start_interval: new Date(row.startMs).toISOString(),
        meter_id: meter._id,
        meter_number: meter.meter_number,
        customer_id: meter.customer_id,
        account_id: SEED_ACCOUNT_ID,
        consumption: (row.wh / 1000).toFixed(3),
        consumption_units: 'kWh',
      })),
    };
    res.json(body);
  });
}

function meterForIntervalData(req: Request, store: OpenvoltSimulatorStore): SimulatedMeter {
  const meterId = queryString(req, 'meter_id');
  if (meterId !== undefined) return store.meter(meterId);
  const meterNumber = queryString(req, 'meter_number');
  const customerId = queryString(req, 'customer_id');
  if (meterNumber === undefined || customerId === undefined) {
    throw new HttpError(400, 'Provide meter_id, or meter_number together with customer_id');
  }
  const meter = [...store.meters.values()].find((m) => m.meter_number === meterNumber && m.customer_id === customerId);
  if (!meter) throw new HttpError(404, `No meter with meter_number ${meterNumber} for customer ${customerId}`);
  return meter;
}

/**
 * [start, end) of an interval-data request. A `YYYY-MM-DD` start is the start of that UTC day and a
 * `YYYY-MM-DD` end includes that whole day; a full ISO timestamp is an exact instant (end exclusive).
 * Without start_date the range is `lookback` (default 1d) before the end, which defaults to now.
 */
function intervalRange(req: Request, now: Date): { startMs: number; endMs: number } {
  const startParam = queryString(req, 'start_date');
  const endParam = queryString(req, 'end_date');
  const end = endParam === undefined ? DateTime.fromJSDate(now, { zone: 'utc' }) : rangeBound(endParam, 'end_date', true);
  const start =
    startParam === undefined ? end.minus(lookback(queryString(req, 'lookback') ?? '1d')) : rangeBound(startParam, 'start_date', false);
  if (start >= end) throw new HttpError(400, 'start_date must be before end_date');
  return { startMs: start.toMillis(), endMs: end.toMillis() };
}

function rangeBound(value: string, name: string, isEnd: boolean): DateTime {
  if (!value.includes('T')) {
    const day = calendarDate(value, name);
    return isEnd ? day.plus({ days: 1 }) : day;
  }
  // Zone-less timestamps are read as UTC, the API's only zone.
  const instant = DateTime.fromISO(value, { zone: 'utc' });
  if (!instant.isValid) throw new HttpError(400, `${name} must be YYYY-MM-DD or an ISO 8601 timestamp`);
  return instant;
}

function lookback(value: string): DurationLikeObject {
  const match = /^(\d+)([dwmy])$/.exec(value);
  const amount = match ? Number(match[1]) : 0;
  if (!match || amount < 1) throw new HttpError(400, 'lookback must be a positive number followed by d, w, m or y, e.g. 1d or 3m');
  const unit = { d: 'days', w: 'weeks', m: 'months', y: 'years' }[match[2] as 'd' | 'w' | 'm' | 'y'];
  return { [unit]: amount };
}

/** Limits per call (from one third-party connector's notes; unverified, see CONTRACT.md). */
function checkRangeLimit(granularity: OpenvoltGranularity, startMs: number, endMs: number): void {
  if (granularity === 'hh' && endMs - startMs > OPENVOLT_MAX_CALL_DAYS.hh * DAY_MS) {
    throw new HttpError(400, `Half-hourly (hh) data is limited to ${OPENVOLT_MAX_CALL_DAYS.hh} days per request`);
  }
  if (granularity === 'day' && endMs - startMs > OPENVOLT_MAX_CALL_DAYS.day * DAY_MS) {
    throw new HttpError(400, `Daily data is limited to ${OPENVOLT_MAX_CALL_DAYS.day} days per request`);
  }
  if (DateTime.fromMillis(startMs, { zone: 'utc' }).plus({ years: OPENVOLT_MAX_CALL_YEARS }).toMillis() < endMs) {
    throw new HttpError(400, `Interval data is limited to ${OPENVOLT_MAX_CALL_YEARS} years per request`);
  }
}

/**
 * The half hours that start in [startMs, endMs), summed into UTC calendar buckets stamped with the
 * bucket start (a bucket cut by the window sums the part inside it). Sums are in whole Wh, so they are
 * exact. A gap half hour is left out, and so is a bucket that has a gap in it (inferred: Openvolt does
 * not say whether a day with a missing half hour is a partial sum; CONTRACT.md) or that has not ended
 * by `nowMs`: no row stands for an interval that is not over.
 */
function bucketRows(profile: LoadProfile, granularity: OpenvoltGranularity, startMs: number, endMs: number, nowMs: number) {
  const fromMs = Math.ceil(startMs / HALF_HOUR_MS) * HALF_HOUR_MS;
  const toMs = Math.min(Math.ceil(endMs / HALF_HOUR_MS), Math.floor(nowMs / HALF_HOUR_MS)) * HALF_HOUR_MS;
  const rows: Array<{ startMs: number; wh: number }> = [];
  let bucket = { startMs: 0, endMs: -Infinity };
  let row: { startMs: number; wh: number } | undefined;
  for (const slot of profile.slots(fromMs, toMs, HALF_HOUR_MS)) {
    if (slot.startMs >= bucket.endMs) {
      bucket = bucketAround(slot.startMs, granularity);
      row = bucket.endMs <= nowMs ? { startMs: bucket.startMs, wh: 0 } : undefined;
      if (row) rows.push(row);
    }
    if (!row) continue;
    if (slot.kwh === null) {
      rows.pop();
      row = undefined;
      continue;
    }
    row.wh += Math.round(slot.kwh * 1000);
  }
  return rows;
}

function bucketAround(ms: number, granularity: OpenvoltGranularity): { startMs: number; endMs: number } {
  if (granularity === 'hh') return { startMs: ms, endMs: ms + HALF_HOUR_MS };
  const unit = ({ day: 'day', week: 'week', month: 'month', year: 'year' } as const)[granularity];
  const start = DateTime.fromMillis(ms, { zone: 'utc' }).startOf(unit); // luxon weeks start on ISO Monday
  return { startMs: start.toMillis(), endMs: start.plus({ [unit]: 1 }).toMillis() };
}
