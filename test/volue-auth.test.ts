import { gql } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VolueSimulator } from '../subgraphs/volue/simulator/index.js';
import { SEED_USER_IDS } from '../subgraphs/volue/simulator/seed.js';
import { startStack, type TestStack } from './support/stack.js';

/**
 * Volue's OAuth2 token through the whole stack, from a cold start: the subgraph fetches one token for
 * any number of concurrent queries, and when the token expires mid-run the next query still succeeds
 * with exactly one new token request. The order of the tests matters (the first one needs no token yet).
 */

let stack: TestStack;
const sim = () => stack.simulator<VolueSimulator>('volue');
const tokenRequests = () => sim().callCount('POST', '/connect/token');
const USER = gql`
  query ($id: ID!) {
    volueUser(id: $id) {
      id
      meters {
        meterPointId
      }
    }
  }
`;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('Volue access token', () => {
  it('twenty parallel queries on a cold start make one token request', async () => {
    expect(tokenRequests()).toBe(0);
    // Twenty different operations (an alias each: the gateway shares identical subgraph queries in flight).
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        stack.client.rawRequest<any>(`query ($id: ID!) { user${index}: volueUser(id: $id) { id meters { meterPointId } } }`, {
          id: SEED_USER_IDS.home,
        }),
      ),
    );
    answers.forEach((answer, index) => {
      expect(answer.errors).toBeUndefined();
      expect(answer.data[`user${index}`].meters).toHaveLength(1);
    });
    expect(tokenRequests()).toBe(1);
    expect(sim().callCount('GET', '/energy-coordination/v1/users/:userId')).toBe(20);
  });

  it('a query after the token expired still succeeds, with exactly one new token request', async () => {
    const before = tokenRequests();
    sim().tokens.expireAll();
    const answers = await Promise.all(Array.from({ length: 5 }, () => stack.client.rawRequest<any>(USER, { id: SEED_USER_IDS.office })));
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    expect(tokenRequests()).toBe(before + 1);
  });

  it('every API route wants the bearer token', async () => {
    const unauthenticated = await fetch(`${sim().url}/energy-coordination/v1/users`);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const wrong = await fetch(`${sim().url}/energy-coordination/v1/events`, { headers: { authorization: 'Bearer forged' } });
    expect(wrong.status).toBe(401);
  });
});
