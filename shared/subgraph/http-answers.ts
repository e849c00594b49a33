import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { assignRequestId, refuseGraphQLRequest } from '../observability/graphql-requests.js';
import type { Logger } from '../observability/logger.js';

/**
 * What every server (gateway, subgraphs, webhook receivers) answers a request it cannot serve: JSON with
 * a code and the request id, never Express's HTML page with a stack trace and file paths (which Express
 * sends whenever NODE_ENV is not `production`), and no `X-Powered-By`.
 */

/** The largest request body any server reads. */
export const BODY_LIMIT = '1mb';

/** An express app that does not name itself (no X-Powered-By) and gives every request an id first. */
export function createServerApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(assignRequestId);
  return app;
}

/**
 * Reads a JSON body (up to BODY_LIMIT). A body of another media type is refused with 415 rather than
 * ignored, so the client learns what is wrong; a malformed body, one over the limit and an unsupported
 * charset reach `answerErrorsAsJson`.
 */
export function jsonBody(): RequestHandler[] {
  return [onlyJsonBodies, express.json({ limit: BODY_LIMIT })];
}

/**
 * Refuses a body that is not UTF-8 application/json (415) without reading it; a request without a body
 * (a GET) passes.
 */
export const onlyJsonBodies: RequestHandler = (req, res, next) => {
  const type = req.is('application/json'); // false: a body of another type; null: no body
  const charset = type ? /;\s*charset="?([^";\s]+)/i.exec(req.get('content-type') ?? '')?.[1] : undefined;
  if (type !== false && (charset === undefined || /^utf-?8$/i.test(charset))) return next();
  refuseGraphQLRequest(req, res, 415, {
    message: `Send the body as application/json in UTF-8 (it was ${req.get('content-type') ?? 'without a Content-Type'}).`,
    extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' },
  });
};

/** How a failure to read a request (body-parser's `type`) reads to the client. */
const REQUEST_FAILURES: Record<string, { status: number; code: string; message: string }> = {
  'entity.parse.failed': { status: 400, code: 'BAD_REQUEST', message: 'The body is not valid JSON.' },
  'entity.too.large': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: `The body is larger than ${BODY_LIMIT}.` },
  'charset.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send the body in UTF-8.' },
  'encoding.unsupported': {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Send the body uncompressed or gzip-, deflate- or br-encoded.',
  },
};

/**
 * Registered last: a JSON 404 for a path nothing serves, and a JSON answer for any error a route passed
 * on — a request that could not be read keeps its 4xx status with a code; anything else is a 500 whose
 * cause is logged, not sent.
 */
export function answerErrorsAsJson(app: Express, log: Logger): void {
  app.use((req, res) => {
    refuseGraphQLRequest(req, res, 404, { message: `Nothing is served at ${req.method} ${req.path}.`, extensions: { code: 'NOT_FOUND' } });
  });
  const answer: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error); // Express then closes the connection
    const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
    const known = typeof type === 'string' ? REQUEST_FAILURES[type] : undefined;
    if (known) return refuseGraphQLRequest(req, res, known.status, { message: known.message, extensions: { code: known.code } });
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return refuseGraphQLRequest(req, res, status, { message: 'The request could not be read.', extensions: { code: 'BAD_REQUEST' } });
    }
    log.error(
      `unexpected error answering ${req.method} ${req.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    refuseGraphQLRequest(req, res, 500, {
      message: 'Internal server error. It has been logged.',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  };
  app.use(answer);
}
