import type { Express, Request } from 'express';
import { bodyObject, HttpError } from '../../../../shared/simulator/index.js';
import { DAY_MS, ENERKEY_MAX_PUSH_DAYS, ENERKEY_PATHS, HOUR_MS, type EnerkeyPushResult } from '../../contract.js';
import { timestamp } from '../parse.js';
import type { SeededMeter } from '../seed.js';
import { round, type EnerkeySimulatorStore } from '../store.js';
import type { EnerkeyRouteDeps } from './index.js';

/** A pushed value or reading: its instant, the start of its hour (epoch ms) and its value. */
interface PushPoint {
  at: number;
  hourMs: number;
  value: number;
}

/**
 * PushConsumptionsForMeter and PushCumulativeReadingsForMeter: one meter per message, at most 365 days,
 * hourly in the meter's unit; stamps need not be on the hour. The batch is checked whole before anything
 * is written. Consumption values within an hour are summed and, in the default `add` mode, added to what
 * the hour holds (EnerKey's text: "Multiple values for same hour are summed"); `replace` mode overwrites.
 */
export function registerPushRoutes(app: Express, { store, authorize }: EnerkeyRouteDeps): void {
  app.post(`/${ENERKEY_PATHS.pushConsumptions}`, authorize, (req, res) => {
    const { target, points } = pushRequest(req, store, 'values');
    if (target.meterType !== 'consumption') {
      throw new HttpError(400, `Meter ${target.id} measures cumulative readings; use PushCumulativeReadingsForMeter`);
    }
    // Values within one hour are summed, and (add mode) added to what the hour holds.
    const hours = new Map<number, number>();
    for (const point of points) {
      const base = hours.get(point.hourMs) ?? (store.pushMode === 'add' ? (store.storedHourValue(target, point.hourMs) ?? 0) : 0);
      hours.set(point.hourMs, round(base + point.value));
    }
    writeHours(store, target, hours);
    res.json(pushAnswer(target, hours.size, points));
  });
  app.post(`/${ENERKEY_PATHS.pushCumulativeReadings}`, authorize, (req, res) => {
    const { target, points } = pushRequest(req, store, 'readings');
    if (target.meterType !== 'cumulative') {
      throw new HttpError(400, `Meter ${target.id} measures consumption; use PushConsumptionsForMeter`);
    }
    const readings = hourlyReadings(points);
    const previous = store.lastReading.get(target.id);
    const steps = consumptionSteps(
      previous && previous.hourMs < readings[0]![0] ? [[previous.hourMs, previous.value], ...readings] : readings,
    );
    writeHours(store, target, steps);
    const [lastHour, lastValue] = readings.at(-1)!;
    if (!previous || lastHour >= previous.hourMs) store.lastReading.set(target.id, { hourMs: lastHour, value: lastValue });
    res.json(pushAnswer(target, steps.size, points));
  });
}

function pushRequest(req: Request, store: EnerkeySimulatorStore, listName: 'values' | 'readings') {
  const body = bodyObject(req);
  const meterId = body.meterId;
  if (typeof meterId !== 'number' || !Number.isInteger(meterId)) throw new HttpError(400, 'meterId must be a whole number');
  const list = body[listName];
  if (!Array.isArray(list) || list.length === 0) throw new HttpError(400, `${listName} must be a non-empty array`);
  const points = list.map((item: unknown, index) => pushPoint(item, `${listName}[${index}]`));
  const first = Math.min(...points.map((p) => p.hourMs));
  const last = Math.max(...points.map((p) => p.hourMs));
  if (last + HOUR_MS - first > ENERKEY_MAX_PUSH_DAYS * DAY_MS) {
    throw new HttpError(400, `A push may span at most ${ENERKEY_MAX_PUSH_DAYS} days`);
  }
  return { target: store.meter(meterId), points };
}

function pushPoint(item: unknown, name: string): PushPoint {
  if (typeof item !== 'object' || item === null) throw new HttpError(400, `${name} must be an object`);
  const record = item as Record<string, unknown>;
  const at = timestamp(typeof record.timestamp === 'string' ? record.timestamp : undefined, `${name}.timestamp`).toMillis();
  if (typeof record.value !== 'number' || !Number.isFinite(record.value)) throw new HttpError(400, `${name}.value must be a number`);
  return { at, hourMs: Math.floor(at / HOUR_MS) * HOUR_MS, value: record.value };
}

/** The last reading within an hour stands for that hour: [hour start, reading] in time order. */
function hourlyReadings(points: readonly PushPoint[]): Array<readonly [number, number]> {
  const byHour = new Map<number, number>();
  for (const point of [...points].sort((a, b) => a.at - b.at)) byHour.set(point.hourMs, point.value);
  return [...byHour.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * Consumption is the step between consecutive readings; a step over several hours is spread evenly over
 * them (inferred). The register says what each hour consumed, so steps replace what the hours held.
 */
function consumptionSteps(chain: ReadonlyArray<readonly [number, number]>): Map<number, number> {
  const steps = new Map<number, number>();
  for (let i = 1; i < chain.length; i++) {
    const [fromHour, fromValue] = chain[i - 1]!;
    const [toHour, toValue] = chain[i]!;
    if (toValue < fromValue) {
      throw new HttpError(
        400,
        `Cumulative reading ${toValue} at ${new Date(toHour).toISOString()} is below the previous ${fromValue}; readings must not decrease`,
      );
    }
    const span = (toHour - fromHour) / HOUR_MS;
    for (let hour = fromHour; hour < toHour; hour += HOUR_MS) steps.set(hour, round((toValue - fromValue) / span));
  }
  return steps;
}

/** Stores interval values by hour start; a pushed hour stands instead of the seeded one. */
function writeHours(store: EnerkeySimulatorStore, target: SeededMeter, hours: ReadonlyMap<number, number>): void {
  const stored = store.pushed.get(target.id) ?? new Map<number, number>();
  for (const [hourMs, value] of hours) stored.set(hourMs, value);
  store.pushed.set(target.id, stored);
}

function pushAnswer(target: SeededMeter, hoursWritten: number, points: readonly PushPoint[]): EnerkeyPushResult {
  const first = Math.min(...points.map((p) => p.hourMs));
  const last = Math.max(...points.map((p) => p.hourMs));
  return {
    meterId: target.id,
    unit: target.unit,
    hoursWritten,
    start: new Date(first).toISOString(),
    end: new Date(last + HOUR_MS).toISOString(),
  };
}
