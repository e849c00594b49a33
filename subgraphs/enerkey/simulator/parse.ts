import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import { HttpError, queryString } from '../../../shared/simulator/index.js';
import { ENERKEY_MAX_PAGE_SIZE, ENERKEY_TOTAL_COUNT_HEADER } from '../contract.js';

/** Parameters of EnerKey requests as the simulator reads them: every problem is a 400 naming the parameter. */

export function pathNumber(req: Request, name: string): number {
  const value = String(req.params[name]);
  if (!/^\d+$/.test(value)) throw new HttpError(400, `${name} must be a whole number`);
  return Number(value);
}

/** A comma-separated list of text ids (metering point ids), blanks dropped. */
export function textList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

export function idList(value: string | undefined, name: string): number[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((part) => {
    if (!/^\s*\d+\s*$/.test(part)) throw new HttpError(400, `${name} must be a comma-separated list of whole numbers`);
    return Number(part);
  });
}

/** `2017-01-01T00:00:00Z` or `2017-01-01T00:00:00+02:00`: EnerKey's two timestamp forms, offset kept. */
export function timestamp(value: string | undefined, name: string): DateTime {
  if (!value) throw new HttpError(400, `${name} is required`);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw new HttpError(400, `${name} must look like 2017-01-01T00:00:00Z or 2017-01-01T00:00:00+02:00`);
  }
  const parsed = DateTime.fromISO(value, { setZone: true });
  if (!parsed.isValid) throw new HttpError(400, `${name} is not a valid timestamp`);
  return parsed;
}

/** `t` in the form of `like`: Z when it was UTC, else the same fixed offset. */
export function formatTimestamp(t: DateTime, like: DateTime): string {
  const shifted = t.setZone(like.zone);
  return like.offset === 0 && like.zoneName === 'UTC'
    ? shifted.toUTC().toISO({ suppressMilliseconds: true })!
    : shifted.toISO({ suppressMilliseconds: true })!;
}

/**
 * A list as EnerKey pages it (inferred): with `take`, the `take` items from `skip` (default 0) and the
 * whole count in X-Total-Count; without, the whole list.
 */
export function sendPage<T>(req: Request, res: Response, items: readonly T[]): void {
  const take = queryString(req, 'take');
  const skip = queryString(req, 'skip');
  if (take === undefined) {
    if (skip !== undefined) throw new HttpError(400, 'skip needs take');
    res.json(items);
    return;
  }
  const size = wholeNumber(take, 'take');
  if (size < 1 || size > ENERKEY_MAX_PAGE_SIZE) throw new HttpError(400, `take must be from 1 to ${ENERKEY_MAX_PAGE_SIZE}`);
  const from = skip === undefined ? 0 : wholeNumber(skip, 'skip');
  res.set(ENERKEY_TOTAL_COUNT_HEADER, String(items.length)).json(items.slice(from, from + size));
}

function wholeNumber(value: string, name: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new HttpError(400, `${name} must be a whole number`);
  return Number(value);
}
