import { GraphQLClient } from 'graphql-request';
import { ephemeralPorts, startStack as startProductStack, type Stack } from '../../scripts/stack.js';

/**
 * The whole product inside the test process on free ports (DESIGN.md: tests pass while a developer's own
 * stack runs on the default ports), with a graphql-request client for the gateway.
 */
export interface TestStack extends Stack {
  /** `rawRequest` returns GraphQL errors instead of throwing them. */
  client: GraphQLClient;
}

export async function startStack(env: Record<string, string> = {}): Promise<TestStack> {
  const stack = await startProductStack({ LOG_LEVEL: process.env.LOG_LEVEL, HOST: '127.0.0.1', ...ephemeralPorts(), ...env });
  return Object.assign(stack, { client: new GraphQLClient(stack.gatewayUrl, { errorPolicy: 'all' }) });
}
