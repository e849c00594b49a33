import { gql } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VolueSimulator } from '../subgraphs/volue/simulator/index.js';
import { SEED_USER_IDS } from '../subgraphs/volue/simulator/seed.js';
import { startStack, type TestStack } from './support/stack.js';

/**
 * With VOLUE_SIM_TOKEN_LIFETIME_S=1 the simulator's tokens really expire by its clock (the option a
 * started stack offers). Queries after the lifetime ran out still succeed, with one new token request
 * between them. (The 401 → renew → retry path is tested with a revoked token in volue-auth.test.ts.)
 */

let stack: TestStack;
const sim = () => stack.simulator<VolueSimulator>('volue');
const tokenRequests = () => sim().callCount('POST', '/connect/token');

beforeAll(async () => {
  stack = await startStack({ VOLUE_SIM_TOKEN_LIFETIME_S: '1' });
});
afterAll(async () => {
  await stack?.stop();
});

describe('a token whose lifetime runs out', () => {
  it('is replaced by exactly one new token request, and the query succeeds', async () => {
    const ask = () =>
      stack.client.rawRequest<any>(
        gql`
          query ($id: ID!) {
            volueUser(id: $id) {
              id
            }
          }
        `,
        { id: SEED_USER_IDS.cabin },
      );
    expect((await ask()).errors).toBeUndefined();
    expect(tokenRequests()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // let the 1 s token lapse
    const [a, b] = await Promise.all([ask(), ask()]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(tokenRequests()).toBe(2);
  });
});
