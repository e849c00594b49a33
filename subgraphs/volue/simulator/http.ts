import type { ErrorRequestHandler } from 'express';
import { HttpError } from '../../../shared/simulator/index.js';
import { VOLUE_API_BASE_PATH } from '../contract.js';

/** The express route of an API path (VOLUE_PATHS, with `:name` for its ids). */
export function apiRoute(path: string): string {
  return `${VOLUE_API_BASE_PATH}/${path}`;
}

/** A 400 in the shape ASP.NET gives validation failures: problem+json with an `errors` map. */
export class ValidationProblem extends HttpError {
  constructor(readonly errors: Record<string, string[]>) {
    super(400, 'One or more validation errors occurred.');
  }
}

/** An error whose body is a plain JSON string, where the spec declares one (most 400s, some 404s). */
export class StringBodyError extends HttpError {}

/** An error answered without a body, where the spec declares none (most 404s, the 409s). */
export class EmptyResponse extends HttpError {}

export function emptyResponse(status: number): EmptyResponse {
  return new EmptyResponse(status, '');
}

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
};
/** The RFC 9110 section (15.5.x) of each status, for problem+json's `type`. */
const PROBLEM_SECTION: Record<number, number> = { 400: 1, 401: 2, 404: 5, 409: 10, 429: 14 };

/** The kit's error body (faults, unknown routes) in Volue's problem shape. */
export function volueErrorBody(status: number, message: string): unknown {
  return { type: 'about:blank', title: STATUS_TITLES[status] ?? 'Error', status, detail: message };
}

/**
 * Errors in Volue's shapes: problem+json (with `errors` on validation), a JSON string or no body where
 * the spec declares so. Registered after the routes, so it sees the errors of every one of them.
 */
export const renderVolueError: ErrorRequestHandler = (error, _req, res, next) => {
  if (!(error instanceof HttpError) || res.headersSent) return next(error);
  if (error instanceof StringBodyError) {
    res.status(error.status).json(error.message);
    return;
  }
  if (error instanceof EmptyResponse) {
    res.status(error.status).end();
    return;
  }
  if (error.status === 401) res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
  const problem: Record<string, unknown> = {
    type: `https://tools.ietf.org/html/rfc9110#section-15.5.${PROBLEM_SECTION[error.status] ?? 1}`,
    title: error instanceof ValidationProblem ? error.message : (STATUS_TITLES[error.status] ?? 'Error'),
    status: error.status,
    ...(error instanceof ValidationProblem ? { errors: error.errors } : { detail: error.message }),
  };
  res.status(error.status).type('application/problem+json').send(JSON.stringify(problem));
};
