import { ClientError, GraphQLClient } from 'graphql-request';
import { ephemeralPorts, startStack as startProductStack, type Stack } from '../../scripts/stack.js';
import type { StartOptions } from '../../shared/subgraph-module.js';

/**
 * The whole product inside the test process on free ports (DESIGN.md: tests pass while a developer's own
 * stack runs on the default ports), with a graphql-request client for the gateway.
 */
export interface TestStack extends Stack {
  /** `rawRequest` returns GraphQL errors instead of throwing them. */
  client: GraphQLClient;
  /** Runs a document through the gateway; its errors come back, also those of a request refused as a whole (HTTP 400). */
  query<T = Record<string, any>>(document: string, variables?: Record<string, unknown>): Promise<{ data: T; errors: GraphQLErrorShape[] }>;
}

export interface GraphQLErrorShape {
  message: string;
  extensions?: Record<string, unknown>;
}

export async function startStack(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestStack> {
  const stack = await startProductStack(
    { LOG_LEVEL: process.env.LOG_LEVEL, HOST: '127.0.0.1', ...ephemeralPorts(), ...env },
    undefined,
    options,
  );
  const client = new GraphQLClient(stack.gatewayUrl, { errorPolicy: 'all' });
  async function query<T>(document: string, variables?: Record<string, unknown>) {
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
  }
  return Object.assign(stack, { client, query });
}
