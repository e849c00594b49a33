import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../subgraphs/registry.js';
import { describeErrors } from './support/operations.js';
import { readGatewayConfig } from '../gateway/config.js';
import { unusedPort } from './support/ports.js';
import { gatewayOver, OPEN_WITH_ADMIN, startStack, type GatewayClient, type TestStack } from './support/stack.js';

/**
 * Mutations report each outcome (DESIGN.md, "Errors and partial answers"): every mutation's result is
 * nullable, so in a request with several, each one that succeeded upstream shows its result even when
 * another fails, and a failed one is null with one coded error whose path names it.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack(OPEN_WITH_ADMIN);
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  for (const { name } of PROVIDERS) {
    stack.simulator(name).setFaults({ errorRate: 0 });
    stack.simulator(name).reset();
  }
});

/** Volue, then Intellimeter, then Openvolt: three subgraphs, run in this order. */
const THREE_PROVIDERS = /* GraphQL */ `
  mutation ThreeProviders($userId: ID!, $username: String!, $email: String!) {
    volue: registerVolueUser(input: { userId: $userId }) {
      id
    }
    intellimeter: createIntellimeterUser(input: { username: $username, password: "a-long-password", email: $email }) {
      id
      username
    }
    openvolt: createOpenvoltCustomer(input: { name: "Outcome Test Ltd", email: $email }) {
      id
      email
    }
  }
`;

async function threeProviders(gateway: GatewayClient, tag: string) {
  const email = `outcomes-${tag}@example.com`;
  return gateway.query(THREE_PROVIDERS, { userId: `outcomes-${tag}`, username: `outcomes-${tag}`, email });
}

describe('several mutations in one request', () => {
  it('the provider refuses the second: the first shows its result, the second is null with its error', async () => {
    const { data, errors } = await stack.query(
      /* GraphQL */ `
        mutation Twice($email: String!) {
          first: createOpenvoltCustomer(input: { name: "First Ltd", email: $email }) {
            id
            email
          }
          second: createOpenvoltCustomer(input: { name: "Second Ltd", email: $email }) {
            id
          }
        }
      `,
      { email: 'twice@example.com' },
    );
    expect(data.first).toMatchObject({ email: 'twice@example.com' });
    expect(data.second).toBeNull();
    expect(errors).toEqual([
      expect.objectContaining({
        path: ['second'],
        extensions: expect.objectContaining({ code: 'UPSTREAM_REJECTED', provider: 'OPENVOLT' }),
      }),
    ]);
    expect(stack.simulator('openvolt').callCount('POST', '/v1/customers')).toBe(2);
    const stored = await stack.query(`query ($email: String) { openvoltCustomers(email: $email) { nodes { id } } }`, {
      email: 'twice@example.com',
    });
    expect(stored.data.openvoltCustomers.nodes).toEqual([{ id: data.first.id }]);
  });

  it('a provider fails in the middle: the mutations before and after it show their results', async () => {
    stack.simulator('intellimeter').setFaults({ errorRate: 1, errorStatus: 503 });
    const { data, errors } = await threeProviders(stack, 'failing');
    expect(data.volue).toEqual({ id: 'outcomes-failing' });
    expect(data.intellimeter).toBeNull();
    expect(data.openvolt).toMatchObject({ email: 'outcomes-failing@example.com' });
    expect(errors.map((error) => error.path)).toEqual([['intellimeter']]);
    expect(errors[0]!.extensions).toMatchObject({ code: expect.stringMatching(/^UPSTREAM_/), provider: 'INTELLIMETER' });
    expect(stack.simulator('volue').callCount('POST', '/energy-coordination/v1/users')).toBe(1);
    expect(stack.simulator('openvolt').callCount('POST', '/v1/customers')).toBe(1);
  });

  it('a subgraph is stopped: the mutations at the others show their results', async () => {
    const gateway = await gatewayOver(
      stack,
      { intellimeter: `http://127.0.0.1:${await unusedPort()}/graphql` },
      { access: readGatewayConfig(OPEN_WITH_ADMIN).access },
    );
    try {
      const { data, errors } = await threeProviders(gateway, 'stopped');
      expect(describeErrors(errors)).toEqual([expect.stringMatching(/^UPSTREAM_UNAVAILABLE: The intellimeter part of the graph/)]);
      expect(errors[0]!.extensions).toMatchObject({ subgraph: 'intellimeter' });
      expect(data).toEqual({
        volue: { id: 'outcomes-stopped' },
        intellimeter: null,
        openvolt: { id: expect.any(String), email: 'outcomes-stopped@example.com' },
      });
    } finally {
      await gateway.stop();
    }
  });
});
