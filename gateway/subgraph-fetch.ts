import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Agent, request, type IncomingMessage } from 'node:http';
import { Headers, Response } from 'node-fetch';
import { currentDeadline, REQUEST_TIMEOUT_HEADER, timeToGive } from '../shared/connector/deadline.js';
import { REQUEST_ID_HEADER, currentRequest } from '../shared/observability/request-context.js';
import { SUBGRAPH_SECRET_HEADER } from '../shared/subgraph/gateway-secret.js';
import { injectTraceContext } from '../shared/observability/tracing.js';

/**
 * How the gateway's requests reach the subgraphs. Connections are kept alive between requests, and two
 * things keep a kept-alive socket from failing a request:
 * - the agent closes a socket after `idleTimeoutMs` of quiet (or a second before the subgraph's advertised
 *   `Keep-Alive: timeout`, if sooner: Node's agent does that itself), shorter than the subgraphs'
 *   keep-alive timeout, so it does not send on a socket the subgraph has closed;
 * - a request can still find such a socket when the gateway's event loop was busy (planning a large
 *   query) while the idle timer was due: a query that is reset on a reused socket is sent once more on a
 *   fresh connection (Node's documented pattern: `request.reusedSocket` and ECONNRESET). A mutation never
 *   is: the subgraph may have received it.
 * Each fetch also carries the request's deadline (it tells the subgraph the time left and ends at it),
 * its id (X-Request-Id, so the subgraph's log lines carry the gateway's) and, when tracing is on, its
 * trace context (traceparent, so the subgraph's spans join the gateway's trace).
 */

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetchInit = NonNullable<Parameters<Fetcher>[1]>;

/** A subgraph fetch cut off (or never sent) because the client request's deadline came. */
export class DeadlineExceededError extends Error {
  constructor() {
    super("the request's deadline passed before the subgraph answered");
    this.name = 'DeadlineExceededError';
  }
}

export function createSubgraphAgent({ keepAlive, idleTimeoutMs }: { keepAlive: boolean; idleTimeoutMs: number }): Agent {
  // `timeout`: the agent destroys a pooled socket idle this long; a request in progress is not cut by it.
  return new Agent({ keepAlive, maxSockets: 64, timeout: idleTimeoutMs });
}

/**
 * A fetch for RemoteGraphQLDataSource over `agent`, with the deadline and the one retry described above,
 * and the subgraph secret (`subgraphSecret`, unless '') that tells a subgraph the call is the gateway's.
 */
export function createSubgraphFetcher(agent: Agent, subgraphSecret: string): Fetcher {
  const credential: Record<string, string> = subgraphSecret ? { [SUBGRAPH_SECRET_HEADER]: subgraphSecret } : {};
  return async (url, init = {}) => {
    const deadline = currentDeadline();
    const left = deadline?.left();
    if (left !== undefined && left <= 0) throw new DeadlineExceededError();
    const signal = left === undefined ? undefined : AbortSignal.timeout(left);
    const requestId = currentRequest()?.requestId;
    const passedOn = injectTraceContext({ ...init.headers, ...credential, ...(requestId && { [REQUEST_ID_HEADER]: requestId }) });
    const attempt = (over: Agent | false) => {
      const timeLeft = deadline?.left();
      const headers = timeLeft === undefined ? passedOn : { ...passedOn, [REQUEST_TIMEOUT_HEADER]: String(timeToGive(timeLeft)) };
      return post(url, { ...init, headers }, over, signal);
    };
    try {
      return await attempt(agent);
    } catch (error) {
      if (!(error instanceof StaleSocketError)) throw error;
      if (isMutationRequest(init.body)) throw error.cause;
      return await attempt(false); // a connection of its own, closed after the answer
    }
  };
}

/** The first word of a GraphQL operation says whether it writes. */
export function isMutation(query: string): boolean {
  return /^\s*mutation\b/.test(query);
}

function isMutationRequest(body: FetchInit['body']): boolean {
  try {
    const { query } = JSON.parse(String(body)) as { query?: unknown };
    return typeof query !== 'string' || isMutation(query);
  } catch {
    return true; // not a GraphQL request we can read: do not guess that it is safe to repeat
  }
}

/** A connection reset on a socket kept from an earlier request, before any answer arrived. */
class StaleSocketError extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

/** One POST; resolves with the whole answer read, so that the deadline covers the body too. */
function post(url: string, init: FetchInit, agent: Agent | false, signal: AbortSignal | undefined): Promise<Response> {
  return new Promise((resolve, reject) => {
    const body = init.body ?? '';
    const headers = { ...init.headers, 'content-length': String(Buffer.byteLength(body)) };
    const outgoing = request(url, { method: init.method ?? 'POST', headers, agent, signal });
    const fail = (error: Error) => {
      if (signal?.aborted) return reject(new DeadlineExceededError());
      const reset = (error as NodeJS.ErrnoException).code === 'ECONNRESET' || (error as NodeJS.ErrnoException).code === 'EPIPE';
      reject(reset && outgoing.reusedSocket ? new StaleSocketError(error) : error);
    };
    outgoing.once('error', fail);
    outgoing.once('response', (answer: IncomingMessage) => {
      outgoing.off('error', fail);
      outgoing.on('error', () => {}); // reported through the body stream below
      // Chunks joined once at the end (stream/consumers' buffer() goes through a Blob: a copy more).
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      const cutOff = (error: Error) => reject(signal?.aborted ? new DeadlineExceededError() : error);
      answer.once('error', cutOff);
      answer.once('close', () => answer.complete || cutOff(new Error('the subgraph closed the connection mid-answer')));
      answer.once('end', () =>
        resolve(
          new Response(Buffer.concat(chunks), {
            url,
            status: answer.statusCode,
            statusText: answer.statusMessage,
            headers: headersOf(answer),
          }),
        ),
      );
    });
    outgoing.end(body);
  });
}

function headersOf(answer: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, values] of Object.entries(answer.headersDistinct)) {
    for (const value of values ?? []) headers.append(name, value);
  }
  return headers;
}
