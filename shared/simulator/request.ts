import type { Request } from 'express';
import { HttpError } from './server.js';

/**
 * Request parsing for simulator routes: every problem is an HttpError 400 whose message names the
 * parameter or field, the way a provider's validation would answer.
 */

export function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HttpError(400, `Query parameter ${name} must be given once`);
  return value;
}

export function queryEnum<T extends string>(req: Request, name: string, allowed: readonly T[]): T | undefined {
  const value = queryString(req, name);
  if (value !== undefined && !allowed.includes(value as T)) throw new HttpError(400, `${name} must be one of ${allowed.join(', ')}`);
  return value as T | undefined;
}

export function queryBoolean(req: Request, name: string): boolean | undefined {
  const value = queryString(req, name);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw new HttpError(400, `${name} must be true or false`);
  return value === 'true';
}

export function queryPositiveInteger(req: Request, name: string, fallback: number): number {
  const value = queryString(req, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new HttpError(400, `${name} must be a positive whole number`);
  return Number(value);
}

export function bodyObject(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'The request body must be a JSON object');
  return body as Record<string, unknown>;
}

export function stringField(body: Record<string, unknown>, name: string, required = false): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw new HttpError(400, `${name} is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw new HttpError(400, `${name} must be a string`);
  const trimmed = value.trim();
  if (required && trimmed === '') throw new HttpError(400, `${name} must not be empty`);
  return trimmed;
}

export function enumField<T extends string>(
  body: Record<string, unknown>,
  name: string,
  allowed: readonly T[],
  required = false,
): T | undefined {
  const value = stringField(body, name, required);
  if (value !== undefined && !allowed.includes(value as T)) throw new HttpError(400, `${name} must be one of ${allowed.join(', ')}`);
  return value as T | undefined;
}
