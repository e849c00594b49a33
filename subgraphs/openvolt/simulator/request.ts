import type { Request } from 'express';
import { DateTime } from 'luxon';
import { enumField, HttpError, queryPositiveInteger, queryString, stringField } from '../../../shared/simulator/index.js';
import {
  OPENVOLT_API_BASE_PATH,
  OPENVOLT_DATA_SOURCES,
  OPENVOLT_DEFAULT_PAGE_SIZE,
  OPENVOLT_MAX_PAGE_SIZE,
  OPENVOLT_UPDATE_FREQUENCIES,
  type OpenvoltNote,
} from '../contract.js';
import { optional, type SimulatedMeter } from './store.js';

/** Openvolt-specific request parsing, shared by the route files (the generic helpers are in shared/simulator/request.ts). */

export function paginate<T>(req: Request, items: T[]): T[] {
  const page = queryPositiveInteger(req, 'page', 1);
  const pageSize = queryPositiveInteger(req, 'page_size', OPENVOLT_DEFAULT_PAGE_SIZE);
  if (pageSize > OPENVOLT_MAX_PAGE_SIZE) throw new HttpError(400, `page_size must be at most ${OPENVOLT_MAX_PAGE_SIZE}`);
  return items.slice((page - 1) * pageSize, page * pageSize);
}

/** `metadata[key]=value` query parameters (OpenAPI deepObject style). */
export function metadataFilter(req: Request): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const key of Object.keys(req.query)) {
    const match = /^metadata\[(.+)\]$/.exec(key);
    if (match) pairs.push([match[1]!, queryString(req, key)!]);
  }
  return pairs;
}

export function matchesMetadata(metadata: Record<string, string>, filter: Array<[string, string]>): boolean {
  return filter.every(([key, value]) => metadata[key] === value);
}

/** The express route of a contract path (`OPENVOLT_PATHS`), under the API's base path. */
export function apiRoute(path: string): string {
  return `${OPENVOLT_API_BASE_PATH}/${path}`;
}

/** The id parameter of a route: the spec's name for it, which `/_simulator/stats` shows. */
export const ID_PARAM = ':_id';

/** The `:_id` route parameter (always a single segment in these routes). */
export function pathId(req: Request): string {
  return String(req.params._id);
}

/** A calendar date, `YYYY-MM-DD` (the spec's own examples also drop leading zeros: `2022-11-1`). */
export function calendarDate(value: string, name: string): DateTime {
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  const date = match ? DateTime.fromObject({ year: +match[1]!, month: +match[2]!, day: +match[3]! }, { zone: 'utc' }) : undefined;
  if (!date?.isValid) throw new HttpError(400, `${name} must be a date such as 2023-01-31`);
  return date;
}

export function emailField(body: Record<string, unknown>, required: boolean): string | undefined {
  const email = stringField(body, 'email', required);
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new HttpError(400, 'email must be a valid email address');
  return email;
}

export function metadataField(body: Record<string, unknown>): Record<string, string> | undefined {
  const value = body.metadata;
  if (value === undefined) return undefined;
  const valid =
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
  if (!valid) throw new HttpError(400, 'metadata must be an object of string values');
  return { ...(value as Record<string, string>) };
}

export function notesField(body: Record<string, unknown>): OpenvoltNote[] | undefined {
  const value = body.notes;
  if (value === undefined) return undefined;
  const valid =
    Array.isArray(value) &&
    value.every(
      (note: unknown) =>
        typeof note === 'object' &&
        note !== null &&
        Object.entries(note).every(([key, text]) => (key === 'content' || key === 'author') && typeof text === 'string'),
    );
  if (!valid) throw new HttpError(400, 'notes must be a list of { content, author } strings');
  return (value as OpenvoltNote[]).map((note) => ({ ...note }));
}

/** The writable meter fields (the spec's BaseMeter, plus update_frequency which meters carry). */
export function baseMeterFields(body: Record<string, unknown>): Partial<SimulatedMeter> {
  return {
    ...optional('description', stringField(body, 'description')),
    ...optional('address', stringField(body, 'address')),
    ...optional('data_source', enumField(body, 'data_source', OPENVOLT_DATA_SOURCES)),
    ...optional('update_frequency', enumField(body, 'update_frequency', OPENVOLT_UPDATE_FREQUENCIES)),
    ...optional('metadata', metadataField(body)),
    ...optional('notes', notesField(body)),
    ...optional('provider_info', providerInfoField(body)),
  };
}

function providerInfoField(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const value = body.provider_info;
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, 'provider_info must be an object');
  const info = value as Record<string, unknown>;
  if (info.postal_code !== undefined && !/^\d{4}[A-Z]{2}$/.test(String(info.postal_code))) {
    throw new HttpError(400, 'provider_info.postal_code must look like 1234AB');
  }
  if (info.meter_type !== undefined && info.meter_type !== 'electricity' && info.meter_type !== 'gas') {
    throw new HttpError(400, 'provider_info.meter_type must be electricity or gas');
  }
  return { ...info };
}
