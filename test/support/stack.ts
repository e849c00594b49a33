import { ClientError, GraphQLClient } from 'graphql-request';
import { ephemeralPorts, startStack as startProductStack, type Stack } from '../../scripts/stack.js';

/**
 * The whole product inside the test process on free ports (DESIGN.md: tests pass while a developer's own
 * stack runs on the default ports), with a graphql-request client for the gateway.
 */
export interface TestStack extends Stack {
  /** `rawRequest` returns GraphQL errors instead of throwing them. */
  client: GraphQLClient;
  /** Runs a document through the gateway; its errors come back, also those of a request refused as a whole (HTTP 400). */
  query: Query;
}

export type Query = <T = Record<string, any>>(
  document: string,
  variables?: Record<string, unknown>,
) => Promise<{ data: T; errors: GraphQLErrorShape[] }>;

export interface GraphQLErrorShape {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

/**
 * Room for a heavy query on a busy two-core machine running the suite, where one can take longer than
 * the product's 10 s; tests of the deadline set their own, shorter one.
 */
const TEST_DEADLINES = { GATEWAY_REQUEST_TIMEOUT_MS: '20000', SUBGRAPH_REQUEST_TIMEOUT_MS: '20000' };

export async function startStack(env: Record<string, string> = {}): Promise<TestStack> {
  const stack = await startProductStack({
    LOG_LEVEL: process.env.LOG_LEVEL,
    HOST: '127.0.0.1',
    ...ephemeralPorts(),
    ...TEST_DEADLINES,
    ...env,
  });
  const client = new GraphQLClient(stack.gatewayUrl, { errorPolicy: 'all' });
  return Object.assign(stack, { client, query: queryThrough(client) });
}

/** `query` for any gateway's GraphQL endpoint (a URL) or client. */
export function queryThrough(endpoint: string | GraphQLClient): Query {
  const client = typeof endpoint === 'string' ? new GraphQLClient(endpoint, { errorPolicy: 'all' }) : endpoint;
  return async <T>(document: string, variables?: Record<string, unknown>) => {
    try {
      const { data, errors } = await client.rawRequest<T>(document, variables);
      return { data, errors: (errors ?? []) as GraphQLErrorShape[] };
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      return {
        data: (error.response.data ?? null) as T,
        errors: (error.response.errors ?? [{ message: `HTTP ${error.response.status}` }]) as GraphQLErrorShape[],
      };
    }
  };
}
