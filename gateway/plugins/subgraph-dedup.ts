import { RawData, answerKeptAsText } from '../raw-answers.js';
import { isMutation } from '../subgraph-fetch.js';
import { isIncomingOperation, type GatewayPlugin, type SubgraphRequest, type SubgraphResponse } from './plugin.js';

/**
 * Concurrent client requests often need the very same subgraph query (a dashboard polled by many users,
 * a retry storm): the subgraph sees one request and every waiting client gets its answer. The gateway
 * forwards no client headers to subgraphs, so the answer depends on the query and variables alone.
 * Mutations are never shared: each one is a write of its own.
 *
 * The shared fetch runs under the deadline of the request that sent it. Every request gets the same time
 * limit, so one that joins later has a later deadline: it is never held past its own, and at worst gets
 * the first one's timeout, earlier than its own by the time between their arrivals.
 */
export function useSubgraphDedup(): GatewayPlugin {
  return {
    wrapSubgraphCall: (next) => {
      /** Identical queries to this subgraph in flight, by operation and variables. */
      const inFlight = new Map<string, { response: Promise<SubgraphResponse>; consumers: number }>();
      return async (request) => {
        const key = deduplicationKey(request);
        if (key === undefined) return next(request);
        let shared = inFlight.get(key);
        if (!shared) {
          const response = next(request).finally(() => inFlight.delete(key));
          shared = { response, consumers: 0 };
          inFlight.set(key, shared);
        }
        shared.consumers++;
        const response = await shared.response;
        // The gateway merges each answer into its own result tree: a shared answer is copied per request
        // (data kept as text is never changed, and a copy would lose what it is).
        return shared.consumers > 1 && !(response.data instanceof RawData) ? structuredClone(response) : response;
      };
    },
  };
}

function deduplicationKey(request: SubgraphRequest): string | undefined {
  if (!isIncomingOperation(request)) return undefined; // a health check or schema load
  const { query, variables, operationName } = request.request;
  if (!query || isMutation(query)) return undefined;
  // An answer kept as text is shared only with requests that take it as text.
  return JSON.stringify([query, operationName ?? null, variables ?? null, answerKeptAsText(request.context)]);
}
