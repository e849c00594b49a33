import { currentRequest } from '../observability/request-context.js';

/**
 * One deadline per request (DESIGN.md, "Errors and partial answers"). Every server started by
 * startGraphQLServer puts each GraphQL request's deadline in its request context
 * (shared/observability/request-context.ts); what the request does later (the gateway's subgraph
 * fetches, a connector's upstream calls through the kit's HTTP client) reads it with `currentDeadline()`,
 * so retries and timeouts fit inside the time the caller will wait, without every resolver passing it along.
 */

/** How many milliseconds the caller will wait for the answer; the gateway sends it to every subgraph. */
export const REQUEST_TIMEOUT_HEADER = 'x-request-timeout-ms';

export class Deadline {
  // performance.now(): monotonic, so a wall-clock adjustment cannot stretch or cut a deadline.
  private readonly at: number;

  constructor(timeoutMs: number) {
    this.at = performance.now() + timeoutMs;
  }

  /** Whole milliseconds left (what timers take); 0 or less once it has passed. */
  left(): number {
    return Math.floor(this.at - performance.now());
  }
}

/** The deadline of the request being served; undefined outside one (start-up, a webhook, a unit test). */
export function currentDeadline(): Deadline | undefined {
  return currentRequest()?.deadline;
}

/**
 * How long a server gives a request: the caller's `X-Request-Timeout-Ms` when it is a whole number of
 * milliseconds from 1 to `maxMs`, else `maxMs`. A header can shorten a server's own limit, never extend it.
 */
export function requestTimeout(header: string | undefined, maxMs: number): number {
  if (header === undefined || !/^\s*\d+\s*$/.test(header)) return maxMs;
  const asked = Number(header);
  return asked >= 1 && asked <= maxMs ? asked : maxMs;
}

/**
 * The time a server gives the server it calls (`X-Request-Timeout-Ms`): what is left, less a margin for
 * the answer to travel back and be merged, so that a callee whose provider hangs answers (that
 * provider's part null) before its caller gives up on it. The gateway gives it to every subgraph, the
 * metering subgraph to the provider subgraphs it asks.
 */
export function timeToGive(leftMs: number): number {
  return Math.max(1, Math.floor(leftMs - Math.min(1_000, leftMs / 5)));
}
