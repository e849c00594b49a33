import type { ServerMetrics } from '../../shared/observability/metrics.js';
import { isIncomingOperation, type GatewayPlugin } from './plugin.js';

/**
 * The gateway's calls to its subgraphs in its metrics (gridgraph_subgraph_request_duration_seconds), by
 * subgraph and outcome: `ok`, `errors` (the subgraph answered with GraphQL errors) or `failed` (no
 * answer: unreachable, timed out). Innermost of the layers, it counts the fetches really made: calls
 * shared by useSubgraphDedup once.
 */
export function useMetrics(metrics: ServerMetrics): GatewayPlugin {
  return {
    wrapSubgraphCall:
      (next, { subgraph }) =>
      async (request) => {
        if (!isIncomingOperation(request)) return next(request);
        const started = performance.now();
        const seconds = () => (performance.now() - started) / 1000;
        try {
          const response = await next(request);
          metrics.subgraphCall(subgraph, response.errors?.length ? 'errors' : 'ok', seconds());
          return response;
        } catch (error) {
          metrics.subgraphCall(subgraph, 'failed', seconds());
          throw error;
        }
      },
  };
}
