import type { Request, Response } from 'express';
import { HttpError, queryString } from '../../../shared/simulator/index.js';
import { RESPONSE_TYPES, type ResponseType } from '../contract.js';
import { encode, MIME_TYPES } from '../wire.js';

/**
 * Answers `body` in the asked `responseType`; an unknown one is refused only now, after the route has done
 * its work [C]. A body that depends on the format (XML writes timestamps and the account differently) is
 * a function of it.
 */
export function send(req: Request, res: Response, body: unknown): void {
  const type = queryString(req, 'responseType') ?? 'json';
  if (!(RESPONSE_TYPES as readonly string[]).includes(type)) {
    throw new HttpError(400, `responseType must be one of ${RESPONSE_TYPES.join(', ')}; the request was executed`);
  }
  const value = typeof body === 'function' ? (body as (type: string) => unknown)(type) : body;
  res.type(MIME_TYPES[type as ResponseType]).send(encode(type as ResponseType, value));
}

/** A request parameter from the query string, a form body or a JSON body [I: the seed does not say which]. */
export function param(req: Request, name: string): string | undefined {
  const fromQuery = queryString(req, name);
  if (fromQuery !== undefined) return fromQuery;
  const body = req.body as Record<string, unknown> | undefined;
  const value = body && typeof body === 'object' ? body[name] : undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw new HttpError(400, `${name} must be a string`);
  return String(value);
}
