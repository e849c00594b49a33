import type { Request } from 'express';
import { bodyObject, HttpError, queryString } from '../../../shared/simulator/index.js';
import {
  VOLUE_DEFAULT_PAGE_SIZE,
  VOLUE_MAX_PAGE_SIZE,
  type VolueAddress,
  type VolueCoordinates,
  type VoluePagination,
} from '../contract.js';
import { ValidationProblem } from './http.js';

/**
 * Field checks as ASP.NET runs them: every problem of a body is collected under its field's name, and
 * one ValidationProblem (400 problem+json with an `errors` map) answers them all.
 */
export type FieldErrors = Record<string, string[]>;

export function addError(errors: FieldErrors, field: string, message: string): void {
  (errors[field] ??= []).push(message);
}

export function throwIfInvalid(errors: FieldErrors): void {
  if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
}

export function requiredString(body: Record<string, unknown>, name: string, errors: FieldErrors): string | undefined {
  const value = body[name];
  if (typeof value !== 'string' || !value.trim()) {
    addError(errors, name, `The ${name} field is required.`);
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

/**
 * The body a vehicle or resource is registered with, `{ <idName>, metadata: { resourceType, … } }`:
 * the id and the metadata object are required, and `checkMetadata` adds the problems of its fields.
 */
export function registrationBody(
  req: Request,
  idName: string,
  checkMetadata: (metadata: Record<string, unknown>, errors: FieldErrors) => void,
): { id: string; metadata: Record<string, unknown> } {
  const body = bodyObject(req);
  const errors: FieldErrors = {};
  const id = requiredString(body, idName, errors);
  const { metadata } = body;
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) {
    addError(errors, 'metadata', 'The metadata field is required and must be an object with a resourceType.');
  } else {
    checkMetadata(metadata as Record<string, unknown>, errors);
  }
  throwIfInvalid(errors);
  return { id: id!, metadata: metadata as Record<string, unknown> };
}

export function addressObject(body: Record<string, unknown>, errors: FieldErrors): VolueAddress {
  const address = body.address;
  if (address === undefined || address === null) return {};
  if (typeof address !== 'object' || Array.isArray(address)) {
    addError(errors, 'address', 'The address must be an object with street, city and zipCode.');
    return {};
  }
  const out: VolueAddress = {};
  for (const key of ['street', 'city', 'zipCode'] as const) {
    const value = optionalString(address as Record<string, unknown>, key, errors, 'address.');
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export function coordinates(body: Record<string, unknown>, errors: FieldErrors): VolueCoordinates | null {
  const location = body.location;
  if (location === undefined || location === null) return null;
  const { latitude, longitude } = (typeof location === 'object' ? location : {}) as Record<string, unknown>;
  if (typeof latitude !== 'number' || latitude < -90 || latitude > 90)
    addError(errors, 'location.latitude', 'The latitude must be a number from -90 to 90.');
  if (typeof longitude !== 'number' || longitude < -180 || longitude > 180) {
    addError(errors, 'location.longitude', 'The longitude must be a number from -180 to 180.');
  }
  return { latitude: latitude as number, longitude: longitude as number };
}

/** An item of a user's collection by its id, or 404. */
export function item<T>(map: Map<string, T>, id: unknown, kind: string): T {
  const found = map.get(String(id));
  if (!found) throw new HttpError(404, `${kind} ${String(id)} not found`);
  return found;
}

/** One page of `all` by the `page` and `pageSize` query parameters (1-based; pageSize at most 1000). */
export function paginate<T>(req: Request, all: T[]): { items: T[]; pagination: Required<VoluePagination> } {
  const errors: FieldErrors = {};
  const page = wholeQuery(req, 'page', 1, errors);
  const pageSize = wholeQuery(req, 'pageSize', VOLUE_DEFAULT_PAGE_SIZE, errors);
  if (pageSize > VOLUE_MAX_PAGE_SIZE) addError(errors, 'pageSize', `The maximum pageSize is ${VOLUE_MAX_PAGE_SIZE}.`);
  throwIfInvalid(errors);
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
