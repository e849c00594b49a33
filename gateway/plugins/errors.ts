import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { createLogger } from '../../shared/observability/logger.js';
import { DeadlineExceededError } from '../subgraph-fetch.js';
import type { GatewayPlugin } from './plugin.js';

const log = createLogger('gateway');

/**
 * How a subgraph's failure reads to a client: always with an actionable code, never with the subgraph's
 * internal URL.
 * - A subgraph answers some request errors (e.g. a variable it cannot coerce) with HTTP 400 and a GraphQL
 *   error body: its own message and code are passed on instead of an opaque "400: Bad Request".
 * - A subgraph that cannot be reached is UPSTREAM_UNAVAILABLE, and one that has not answered by the
 *   request's deadline UPSTREAM_TIMEOUT, naming the subgraph in `extensions.subgraph`; only its fields
 *   are null, the rest of the answer arrives (and useSharedRootFailover, above this layer, asks another
 *   subgraph for shared root fields).
 * - An error a subgraph answered with reaches the client as the subgraph put it: the subgraph has masked
 *   its own internals already, so the gateway does not mask it again.
 */
export function useErrors(): GatewayPlugin {
  return {
    wrapSubgraphCall:
      (next, { subgraph }) =>
      async (request) => {
        try {
          return await next(request);
        } catch (error) {
          throw clientError(subgraph, error);
        }
      },
    // @apollo/gateway marks every error it forwards from a subgraph with the subgraph's name.
    formatError: (formatted) => (formatted.extensions?.serviceName ? formatted : undefined),
  };
}

/** The error a client sees for fields of a subgraph the gateway cannot reach. */
export function subgraphUnavailable(subgraph: string, path?: ReadonlyArray<string | number>): GraphQLFormattedError {
  return {
    message: `The ${subgraph} part of the graph is unavailable right now, so its fields are null. Try again shortly.`,
    ...(path ? { path } : {}),
    extensions: { code: 'UPSTREAM_UNAVAILABLE', subgraph },
  };
}

function clientError(subgraph: string, error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return withSubgraphMessage(error);
  if (error instanceof DeadlineExceededError) {
    return new GraphQLError(`The ${subgraph} part of the graph did not answer within the request's time limit, so its fields are null.`, {
      extensions: { code: 'UPSTREAM_TIMEOUT', subgraph },
    });
  }
  log.warn(`subgraph ${subgraph} unreachable: ${error instanceof Error ? error.message : String(error)}`);
  const { message, extensions } = subgraphUnavailable(subgraph);
  return new GraphQLError(message, { extensions });
}

/** An HTTP error status whose body holds GraphQL errors (kept by the stock errorFromResponse): those errors. */
function withSubgraphMessage(error: GraphQLError): GraphQLError {
  const body = (error.extensions.response as { body?: unknown } | undefined)?.body;
  const errors = (body as { errors?: Array<{ message?: string; extensions?: Record<string, unknown> }> } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return error;
  return new GraphQLError(errors.map((each) => each.message ?? 'Subgraph error').join('; '), {
    extensions: { code: 'INTERNAL_SERVER_ERROR', ...errors[0]!.extensions },
  });
}
