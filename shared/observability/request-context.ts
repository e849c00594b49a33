import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Deadline } from '../connector/deadline.js';

/**
 * The one request context (DESIGN.md, "Visible"): every server started by startGraphQLServer serves each
 * GraphQL request inside `withRequest`, and what the request does later — log lines, the gateway's
 * subgraph fetches, a connector's upstream calls through the kit's HTTP client — reads it with
 * `currentRequest()`: its id, its deadline, and what the GraphQL layer made of it (for its log line and
 * metrics), without every resolver passing them along.
 */
export interface RequestContext {
  /** Sent back in `X-Request-Id`, in every error's `extensions.requestId`, to the subgraphs and upstream. */
  readonly requestId: string;
  /** The time the caller will wait (shared/connector/deadline.ts); set once the request's body has arrived. */
  deadline?: Deadline;
  /** The operation's name as the GraphQL layer read it (`anonymous` without one). */
  operation?: string;
  /** The codes of the errors the request was answered with (empty: it went well). */
  errorCodes?: string[];
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` (and everything it starts) in `context`. */
export function withRequest<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The request being served; undefined outside one (start-up, a timer, a unit test). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

export const REQUEST_ID_HEADER = 'x-request-id';
export const TRACEPARENT_HEADER = 'traceparent';

/**
 * A caller's id is taken when it is 1–128 characters of letters, digits and `-._:`, so that it is safe in a
 * header, a log line and a metric's exemplar; anything else is replaced, not cleaned.
 */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** W3C Trace Context: version-traceid-parentid-flags, lower-case hex; version ff and all-zero ids are invalid. */
const TRACEPARENT = /^(?!ff)[0-9a-f]{2}-(?!0{32})([0-9a-f]{32})-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The id of a request: the caller's `X-Request-Id` when it is safe, else the trace id of a valid W3C
 * `traceparent` (so the request id and the trace are found with one search), else a new UUID.
 */
export function requestIdFrom(headers: { requestId?: string; traceparent?: string }): string {
  const asked = headers.requestId?.trim();
  if (asked && SAFE_REQUEST_ID.test(asked)) return asked;
  const traceId = TRACEPARENT.exec(headers.traceparent?.trim() ?? '')?.[1];
  return traceId ?? randomUUID();
}
