import { GraphQLError } from 'graphql';
import { createLogger } from '../../shared/observability/logger.js';
import type { SupergraphOwnership } from '../ownership.js';
import { isIncomingOperation, type GatewayPlugin, type SubgraphResponse } from './plugin.js';
import { sharedRootFallbacks } from './shared-root-fallbacks.js';

const log = createLogger('gateway');

/**
 * When a subgraph cannot be reached, the shared root fields of a fetch the plan sent it (like
 * `meteringPoint(id)`) are asked of another subgraph that resolves them (shared-root-fallbacks.ts), so
 * the other subgraphs' fields under them still arrive. Sits above useErrors, whose errors name the
 * subgraph that failed.
 */
export function useSharedRootFailover(ownership: SupergraphOwnership): GatewayPlugin {
  return {
    wrapSubgraphCall:
      (next, { subgraph, peer }) =>
      async (request) => {
        try {
          return await next(request);
        } catch (error) {
          const { query, variables } = request.request;
          if (!isOutOfReach(error, subgraph) || !isIncomingOperation(request) || !query) throw error;
          for (const fallback of sharedRootFallbacks(ownership, subgraph, query, variables ?? {})) {
            const call = peer(fallback.subgraph);
            if (!call) continue;
            try {
              const response = await call({
                ...request,
                request: { ...request.request, query: fallback.query, variables: fallback.variables },
              });
              log.info(`${subgraph} is down: its fetch's shared root fields answered by ${fallback.subgraph}`);
              return fallback.complete(response) as SubgraphResponse;
            } catch (peerError) {
              // That subgraph is out of reach too: try the next. Anything else is not the failover's to hide.
              if (!isOutOfReach(peerError, fallback.subgraph)) throw peerError;
            }
          }
          throw error;
        }
      },
  };
}

/** useErrors names the subgraph it could not reach (or that did not answer in time) in `extensions.subgraph`. */
function isOutOfReach(error: unknown, subgraph: string): boolean {
  return error instanceof GraphQLError && error.extensions.subgraph === subgraph;
}
