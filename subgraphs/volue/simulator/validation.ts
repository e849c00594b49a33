import type { Request } from 'express';
import { bodyObject, queryString } from '../../../shared/simulator/index.js';
import {
  VOLUE_DEFAULT_PAGE_SIZE,
  VOLUE_LOCATION_TYPES,
  VOLUE_MAX_PAGE_SIZE,
  type VolueCoordinates,
  type VolueLocationTypeName,
  type VoluePagination,
} from '../contract.js';
import { StringBodyError, ValidationProblem } from './http.js';

/**
 * Field checks as ASP.NET runs them: every problem of a request is collected under its field's name,
 * then answered in the shape the spec declares for that operation's 400: problem+json with an `errors`
 * map (`'problem'`), or a plain JSON string naming the problems (`'string'`).
 */
export type FieldErrors = Record<string, string[]>;
export type BadRequestShape = 'problem' | 'string';

export function addError(errors: FieldErrors, field: string, message: string): void {
  (errors[field] ??= []).push(message);
}

export function throwIfInvalid(errors: FieldErrors, shape: BadRequestShape): void {
  if (Object.keys(errors).length === 0) return;
  if (shape === 'problem') throw new ValidationProblem(errors);
  throw new StringBodyError(400, Object.values(errors).flat().join(' '));
}

/** The JSON object body, or a 400 in the operation's shape. */
export function requestBody(req: Request, shape: BadRequestShape): Record<string, unknown> {
  try {
    return bodyObject(req);
  } catch (error) {
    throwIfInvalid({ body: [(error as Error).message] }, shape);
    throw error;
  }
}

export function requiredString(body: Record<string, unknown>, name: string, errors: FieldErrors, prefix = ''): string | undefined {
  const value = body[name];
  if (typeof value !== 'string' || !value.trim()) {
    addError(errors, `${prefix}${name}`, `The ${name} field is required.`);
    return undefined;
  }
  return value;
}

export function optionalString(body: Record<string, unknown>, name: string, errors: FieldErrors, prefix = ''): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    addError(errors, `${prefix}${name}`, `The ${name} field must be a string.`);
    return undefined;
  }
  return value;
}

export function optionalEnum<T extends string>(
  body: Record<string, unknown>,
  name: string,
  allowed: readonly T[],
  errors: FieldErrors,
  prefix = '',
): T | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!allowed.includes(value as T)) {
    addError(errors, `${prefix}${name}`, `The ${name} must be one of ${allowed.join(', ')}.`);
    return undefined;
  }
  return value as T;
}

/** Coordinate: latitude −90..90 and longitude −180..180 when given. */
export function coordinatesField(body: Record<string, unknown>, errors: FieldErrors, prefix = ''): VolueCoordinates | undefined {
  const value = body.coordinates;
  if (value === undefined || value === null) return undefined;
  const { latitude, longitude } = (typeof value === 'object' ? value : {}) as Record<string, unknown>;
  if (typeof latitude !== 'number' || latitude < -90 || latitude > 90)
    addError(errors, `${prefix}coordinates.latitude`, 'The latitude must be a number from -90 to 90.');
  if (typeof longitude !== 'number' || longitude < -180 || longitude > 180)
    addError(errors, `${prefix}coordinates.longitude`, 'The longitude must be a number from -180 to 180.');
  return { latitude: latitude as number, longitude: longitude as number };
}

/**
 * The meter point ids of a location request: `meterPointIds`, or the deprecated single `meterPointId`;
 * undefined when neither is given (null is "none").
 */
export function meterPointIdsField(body: Record<string, unknown>, errors: FieldErrors, prefix = ''): string[] | undefined {
  const { meterPointIds, meterPointId } = body;
  if (meterPointIds !== undefined && meterPointIds !== null) {
    if (!Array.isArray(meterPointIds) || !meterPointIds.every((id) => typeof id === 'string' && id.trim())) {
      addError(errors, `${prefix}meterPointIds`, 'The meterPointIds must be a list of non-empty strings.');
      return undefined;
    }
    if (new Set(meterPointIds).size !== meterPointIds.length) addError(errors, `${prefix}meterPointIds`, 'The meterPointIds must differ.');
    return meterPointIds as string[];
  }
  if (meterPointIds === null) return [];
  const single = optionalString(body, 'meterPointId', errors, prefix);
  return single === undefined ? (meterPointId === null ? [] : undefined) : [single];
}

export function locationTypeField(body: Record<string, unknown>, errors: FieldErrors, prefix = ''): VolueLocationTypeName | undefined {
  return optionalEnum(body, 'locationType', VOLUE_LOCATION_TYPES, errors, prefix);
}

/** One page of `all` by the `page` and `pageSize` query parameters (1-based; pageSize at most 1000). */
export function paginate<T>(req: Request, all: T[], shape: BadRequestShape): { items: T[]; pagination: Required<VoluePagination> } {
  const errors: FieldErrors = {};
  const page = wholeQuery(req, 'page', 1, errors);
  const pageSize = wholeQuery(req, 'pageSize', VOLUE_DEFAULT_PAGE_SIZE, errors);
  if (pageSize > VOLUE_MAX_PAGE_SIZE) addError(errors, 'pageSize', `The maximum pageSize is ${VOLUE_MAX_PAGE_SIZE}.`);
  throwIfInvalid(errors, shape);
  const totalPages = Math.ceil(all.length / pageSize);
  return {
    items: all.slice((page - 1) * pageSize, page * pageSize),
    pagination: {
      totalRecords: all.length,
      pageSize,
      currentPage: page,
      totalPages,
      nextPage: page < totalPages ? page + 1 : null,
      previousPage: page > 1 ? Math.min(page - 1, Math.max(totalPages, 1)) : null,
    },
  };
}

function wholeQuery(req: Request, name: string, fallback: number, errors: FieldErrors): number {
  const value = queryString(req, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    addError(errors, name, `The value '${value}' is not valid for ${name}; it must be a whole number ≥ 1.`);
    return fallback;
  }
  return Number(value);
}
