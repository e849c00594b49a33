import type { ApolloServerPlugin } from '@apollo/server';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Span } from '@opentelemetry/api';
import type { Request, RequestHandler, Response } from 'express';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from './logger.js';
import type { ServerMetrics } from './metrics.js';
import {
  REQUEST_ID_HEADER,
  TRACEPARENT_HEADER,
  currentRequest,
  requestIdFrom,
  withRequest,
  type RequestContext,
} from './request-context.js';
import { tracer } from './tracing.js';

/**
 * How every server (startGraphQLServer) makes its GraphQL requests visible: each gets an id (answered in
 * `X-Request-Id`), a server span that continues the caller's trace, and when it is answered one log line
 * and its metrics — operation, outcome, the codes of its errors, duration, request id. The GraphQL layer
 * (the Apollo plugin below) or the check that refused the request (`refuseGraphQLRequest`) says what
 * happened in the request's context; the express middleware, which sees the request from its first byte
 * to its last, writes it down.
 */

interface ObservedLocals {
  request: RequestContext;
  span?: Span;
}

function locals(res: Response): ObservedLocals {
  return res.locals as ObservedLocals;
}

/** For every route: the request's id, from the caller's X-Request-Id or traceparent or new, and answered in X-Request-Id. */
export const assignRequestId: RequestHandler = (req, res, next) => {
  const requestId = requestIdFrom({ requestId: req.get(REQUEST_ID_HEADER), traceparent: req.get(TRACEPARENT_HEADER) });
  locals(res).request = { requestId };
  res.set('X-Request-Id', requestId);
  next();
};

/** The context of the request `res` answers (from `assignRequestId` on). */
export function requestOf(res: Response): RequestContext {
  return locals(res).request;
}

/** For the GraphQL paths, before any other of their handlers: the span, and the log line and metrics once answered. */
export function observeGraphQLRequests(server: string, metrics: ServerMetrics, log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const { request } = locals(res);
    const span = tracer().startSpan(
      `${server} ${req.method} ${req.path}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method,
          'url.path': req.path,
          'gridgraph.server': server,
          'gridgraph.request_id': request.requestId,
        },
      },
      propagation.extract(ROOT_CONTEXT, req.headers),
    );
    locals(res).span = span;
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      const { errorCodes } = request;
      // Neither GraphQL nor a check answered it: a page (the playground), not a GraphQL request.
      if (request.operation !== undefined && errorCodes !== undefined) {
        const operation = GRAPHQL_NAME.test(request.operation) ? request.operation : 'unknown';
        const durationMs = performance.now() - started;
        metrics.graphqlRequest(operation, errorCodes, durationMs / 1000);
        const outcome = errorCodes.length ? 'errors' : 'ok';
        const fields = {
          requestId: request.requestId,
          operation,
          outcome,
          errorCodes,
          status: res.statusCode,
          durationMs: round(durationMs),
        };
        log.info(fields, 'graphql request');
        span.updateName(`${server} ${operation}`);
        span.setAttribute('graphql.operation.name', operation);
        if (errorCodes.length) span.setStatus({ code: SpanStatusCode.ERROR, message: errorCodes.join(' ') });
      }
      span.end();
    });
    next();
  };
}

/**
 * Serves the rest of the request (`next`) in its request context and its span: call once the body has
 * arrived (a body parser calls on from socket callbacks, outside any async context).
 */
export function continueInRequest(res: Response, next: () => void): void {
  const { request, span } = locals(res);
  const traced = span ? trace.setSpan(context.active(), span) : context.active();
  withRequest(request, () => context.with(traced, next));
}

/** Tells the request's context what GraphQL made of it: its operation and the codes of the errors answered. */
export function operationsRecorded(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName }) {
          const request = currentRequest();
          if (request) request.operation = operationName ?? 'anonymous';
        },
        async willSendResponse({ request: { operationName }, response }) {
          const request = currentRequest();
          if (!request) return;
          request.operation ??= operationName ?? 'anonymous';
          request.errorCodes = response.body.kind === 'single' ? errorCodes(response.body.singleResult.errors) : [];
        },
      };
    },
  };
}

/** The error every server adds the request id to (DESIGN.md, "Errors": a user quotes it, an operator finds the logs). */
export function withRequestId(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const requestId = currentRequest()?.requestId;
  return requestId ? { ...formatted, extensions: { ...formatted.extensions, requestId } } : formatted;
}

export interface RefusalError {
  message: string;
  extensions: { code: string } & Record<string, unknown>;
}

/**
 * Answers a GraphQL request refused before GraphQL runs it (missing credentials, a document over the
 * token limit) with `status` and `error` as a GraphQL error carrying the request id; its log line and
 * metrics say so like any other answer's.
 */
export function refuseGraphQLRequest(req: Request, res: Response, status: number, error: RefusalError): void {
  const { request } = locals(res);
  const named = (req.body as { operationName?: unknown } | undefined)?.operationName;
  request.operation ??= typeof named === 'string' && named ? named : 'unknown';
  request.errorCodes = [error.extensions.code];
  res.status(status).json({ errors: [{ message: error.message, extensions: { ...error.extensions, requestId: request.requestId } }] });
}

function errorCodes(errors: readonly GraphQLFormattedError[] | undefined): string[] {
  return (errors ?? []).map((error) => (typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR'));
}

/** A GraphQL name, bounded: what a client sends as operationName is written down only when it is one. */
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
