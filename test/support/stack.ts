import { ClientError, GraphQLClient } from 'graphql-request';
import { startGateway, type GatewayOptions } from '../../gateway/index.js';
import { SUBGRAPH_SECRET_HEADER } from '../../shared/subgraph/gateway-secret.js';
import type { RunningServer } from '../../shared/subgraph/server.js';
import { startThrowawayStack, type Stack } from '../../scripts/stack.js';
import type { StartOptions } from '../../shared/subgraph/module.js';

/**
 * The whole product inside the test process on free ports (DESIGN.md: tests pass while a developer's own
 * stack runs on the default ports) with its state in a temporary folder, and a graphql-request client
 * for the gateway.
 */
export interface TestStack extends Stack, GatewayClient {
  /** The stack's DATA_DIR, deleted when it stops. */
  dataDir: string;
}

export interface GatewayClient {
  /** `rawRequest` returns GraphQL errors instead of throwing them. */
  client: GraphQLClient;
  /** Runs a document through the gateway; its errors come back, also those of a request refused as a whole (HTTP 400). */
  query<T = Record<string, any>>(document: string, variables?: Record<string, unknown>): Promise<{ data: T; errors: GraphQLErrorShape[] }>;
}

export interface GraphQLErrorShape {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

/**
 * Room for a heavy query on a busy two-core machine running the suite, where one can take longer than
 * the product's 10 s; tests of the deadline set their own, shorter one.
 */
const TEST_REQUEST_TIMEOUT_MS = 20_000;
const TEST_DEADLINES = {
  GATEWAY_REQUEST_TIMEOUT_MS: String(TEST_REQUEST_TIMEOUT_MS),
  SUBGRAPH_REQUEST_TIMEOUT_MS: String(TEST_REQUEST_TIMEOUT_MS),
};

/**
 * For a test stack in open mode (no credentials) that runs admin operations (deletes, key rotation,
 * provisioning), which open mode refuses unless this allows them.
 */
export const OPEN_WITH_ADMIN = { GATEWAY_OPEN_ALLOW_ADMIN: 'true' };

export async function startStack(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestStack> {
  const stack = await startThrowawayStack({ LOG_LEVEL: process.env.LOG_LEVEL, HOST: '127.0.0.1', ...TEST_DEADLINES, ...env }, options);
  return Object.assign(stack, gatewayClient(stack.gatewayUrl));
}

/** A client of a gateway's GraphQL endpoint whose `query` returns errors instead of throwing them. */
export function gatewayClient(graphqlUrl: string): GatewayClient {
  const client = new GraphQLClient(graphqlUrl, { errorPolicy: 'all' });
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
  return { client, query };
}

/** A gateway over the stack's subgraphs, some of them at other URLs, with the test deadline and `options`. */
export async function gatewayOver(
  stack: TestStack,
  urls: Record<string, string> = {},
  options: Partial<GatewayOptions> = {},
): Promise<RunningServer & GatewayClient> {
  const servers = [
    ...Object.entries(stack.subgraphs).map(([name, { subgraph }]) => [name, subgraph] as const),
    ...Object.entries(stack.composites),
  ];
  const subgraphUrls = Object.fromEntries(servers.map(([name, server]) => [name, `${server.url}/graphql`]));
  const server = await startGateway({
    host: '127.0.0.1',
    port: 0,
    requestTimeoutMs: TEST_REQUEST_TIMEOUT_MS,
    subgraphSecret: stack.subgraphSecret,
    ...options,
    subgraphUrls: { ...subgraphUrls, ...urls },
  });
  return Object.assign(server, gatewayClient(`${server.url}/graphql`));
}

/** The header that lets a test call one of the stack's subgraphs itself, as its gateway does. */
export function asGateway(stack: Stack): Record<string, string> {
  return { [SUBGRAPH_SECRET_HEADER]: stack.subgraphSecret };
}
