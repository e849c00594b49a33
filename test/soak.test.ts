import { gql } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../shared/simulator/server.js';
import {
  SEED_USER_IDS,
  VOLUE_API_BASE_PATH,
  VOLUE_SIMULATOR_CLIENT_ID,
  VOLUE_SIMULATOR_CLIENT_SECRET,
  startVolueSimulator,
} from '../subgraphs/volue/simulator.js';
import { startSlowAnswerProxy, type SlowAnswerProxy } from './support/slow-proxy.js';
import { startStack, type GraphQLErrorShape, type TestStack } from './support/stack.js';

/**
 * Soak ("Nothing lost"): ten concurrent clients send a few hundred mixed queries and registration
 * mutations through the gateway while every simulator fails 10 % of requests (503) and adds latency,
 * and every fifth Volue write is committed but its answer comes after the connector's timeout (the lost
 * answer: without idempotency keys the retried webhook would exist twice).
 * Each mutation carries its own idempotency key and is retried by its client on an UPSTREAM_* error.
 * In the end every mutation is either confirmed by its client and present exactly once at the
 * provider, or reported failed to its client (and then present at most once); every response has data
 * or coded errors. Counts, not timings, are asserted.
 */

const CLIENTS = 10;
const OPERATIONS_PER_CLIENT = 30;
const MAX_ATTEMPTS = 4;
const PROVIDERS = ['openvolt', 'volue', 'umeter', 'enerkey', 'intellimeter'];

let stack: TestStack;
let volue: RunningSimulator & { tokenUrl: string };
let proxy: SlowAnswerProxy;
const simulator = (name: string) => (name === 'volue' ? volue : stack.simulator(name));

beforeAll(async () => {
  volue = await startVolueSimulator({ host: '127.0.0.1', port: 0 });
  proxy = await startSlowAnswerProxy(volue.url);
  stack = await startStack({
    VOLUE_API_URL: `${proxy.url}${VOLUE_API_BASE_PATH}`,
    VOLUE_TOKEN_URL: volue.tokenUrl,
    VOLUE_CLIENT_ID: VOLUE_SIMULATOR_CLIENT_ID,
    VOLUE_CLIENT_SECRET: VOLUE_SIMULATOR_CLIENT_SECRET,
    VOLUE_WEBHOOK_SECRET: 'soak-webhook-secret',
    VOLUE_TIMEOUT_MS: '400',
  });
  for (const name of PROVIDERS) simulator(name).setFaults({ errorRate: 0.1, latencyMs: 3 });
  proxy.delayEveryWrite(5, 800);
});
afterAll(async () => {
  await stack?.stop();
  await proxy?.stop();
  await volue?.stop();
});

const QUERIES = [
  gql`
    {
      volueUsers(first: 5) {
        totalCount
      }
    }
  `,
  gql`
    {
      openvoltCustomers(first: 5) {
        totalCount
      }
    }
  `,
  gql`
    {
      umeterCustomer {
        id
      }
    }
  `,
  gql`
    {
      enerkeyQuantities {
        id
      }
    }
  `,
  gql`
    {
      intellimeterUsers(first: 5) {
        totalCount
      }
    }
  `,
];

type Kind = 'webhook' | 'volueMeter' | 'openvoltCustomer' | 'intellimeterUser';
interface Mutation {
  kind: Kind;
  /** What identifies the created object at the provider. */
  identity: string;
  document: string;
  variables: Record<string, unknown>;
}

function mutation(kind: Kind, n: number): Mutation {
  switch (kind) {
    case 'webhook':
      return {
        kind,
        identity: `soak-hook-${n}`,
        document: gql`
          mutation ($input: SubscribeVolueEventsInput!, $key: String) {
            subscribeVolueEvents(input: $input, idempotencyKey: $key) {
              id
            }
          }
        `,
        variables: { input: { webhookUrl: 'https://hooks.example/soak', name: `soak-hook-${n}` } },
      };
    case 'volueMeter': {
      const meterPointId = `7070575${String(n).padStart(11, '0')}`;
      return {
        kind,
        identity: meterPointId,
        document: gql`
          mutation ($input: RegisterVolueMeterInput!, $key: String) {
            registerVolueMeter(input: $input, idempotencyKey: $key) {
              id
            }
          }
        `,
        variables: { input: { userId: SEED_USER_IDS.home, meterPointId, locationType: 'RESIDENTIAL' } },
      };
    }
    case 'openvoltCustomer':
      return {
        kind,
        identity: `soak-${n}@customer.example`,
        document: gql`
          mutation ($input: CreateOpenvoltCustomerInput!, $key: String) {
            createOpenvoltCustomer(input: $input, idempotencyKey: $key) {
              id
            }
          }
        `,
        variables: { input: { name: `Soak ${n}`, email: `soak-${n}@customer.example` } },
      };
    case 'intellimeterUser':
      return {
        kind,
        identity: `soak-user-${n}`,
        document: gql`
          mutation ($input: CreateIntellimeterUserInput!, $key: String) {
            createIntellimeterUser(input: $input, idempotencyKey: $key) {
              id
            }
          }
        `,
        variables: { input: { username: `soak-user-${n}`, password: 'pw-soak', email: `soak-user-${n}@site.example` } },
      };
  }
}

const KINDS: Kind[] = ['webhook', 'volueMeter', 'openvoltCustomer', 'intellimeterUser'];

describe('soak under injected faults', () => {
  it('loses nothing, duplicates nothing, and answers every request with data or a coded error', async () => {
    const outcomes: Array<{ mutation: Mutation; confirmed: boolean; attempts: number }> = [];
    const responses: Array<{ data: unknown; errors: GraphQLErrorShape[] }> = [];
    let counter = 0;

    async function send(document: string, variables?: Record<string, unknown>) {
      const response = await stack.query(document, variables);
      responses.push(response);
      return response;
    }

    async function client(c: number) {
      for (let i = 0; i < OPERATIONS_PER_CLIENT; i++) {
        if (i % 3 !== 0) {
          await send(QUERIES[(c + i) % QUERIES.length]!);
          continue;
        }
        const n = counter++;
        const m = mutation(KINDS[n % KINDS.length]!, n);
        const key = `soak-${n}`;
        let confirmed = false;
        let attempts = 0;
        while (!confirmed && attempts < MAX_ATTEMPTS) {
          attempts++;
          const { data, errors } = await send(m.document, { ...m.variables, key });
          if (errors.length === 0 && data) confirmed = true;
          else if (!errors.every((e) => String(e.extensions?.code ?? '').startsWith('UPSTREAM_'))) break;
        }
        outcomes.push({ mutation: m, confirmed, attempts });
      }
    }

    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    for (const name of PROVIDERS) simulator(name).setFaults({ errorRate: 0, latencyMs: 0 });
    proxy.delayEveryWrite(0, 0);
    await proxy.committed();

    // Every response: data, or errors that each carry a code.
    expect(responses.length).toBeGreaterThanOrEqual(CLIENTS * OPERATIONS_PER_CLIENT);
    const uncoded = responses.filter((r) => (r.data === null && r.errors.length === 0) || r.errors.some((e) => !e.extensions?.code));
    expect(uncoded).toEqual([]);

    // What the providers hold, read without faults.
    const { data, errors } = await stack.query<{
      volueWebhooks: Array<{ name: string | null }>;
      volueUser: { meters: Array<{ meterPointId: string }> };
      intellimeterUsers: { nodes: Array<{ username: string }> };
    }>(
      gql`
        query ($user: ID!) {
          volueWebhooks {
            name
          }
          volueUser(id: $user) {
            meters {
              meterPointId
            }
          }
          intellimeterUsers(first: 100) {
            nodes {
              username
            }
          }
        }
      `,
      { user: SEED_USER_IDS.home },
    );
    expect(errors).toEqual([]);
    const held = new Map<string, number>();
    const count = (identity: string) => held.set(identity, (held.get(identity) ?? 0) + 1);
    data.volueWebhooks.forEach((w) => w.name && count(w.name));
    data.volueUser.meters.forEach((m) => count(m.meterPointId));
    data.intellimeterUsers.nodes.forEach((u) => count(u.username));
    for (const outcome of outcomes.filter((o) => o.mutation.kind === 'openvoltCustomer')) {
      const email = outcome.mutation.identity;
      const found = await stack.query<{ openvoltCustomers: { nodes: Array<{ email: string }> } }>(
        gql`
          query ($email: String) {
            openvoltCustomers(email: $email, first: 5) {
              nodes {
                email
              }
            }
          }
        `,
        { email },
      );
      expect(found.errors).toEqual([]);
      held.set(email, found.data.openvoltCustomers.nodes.filter((c) => c.email === email).length);
    }

    const confirmed = outcomes.filter((o) => o.confirmed);
    const failed = outcomes.filter((o) => !o.confirmed);
    console.log(
      `soak: ${responses.length} responses, ${outcomes.length} mutations (${confirmed.length} confirmed, ${failed.length} reported failed), ` +
        `${outcomes.reduce((sum, o) => sum + o.attempts, 0)} mutation attempts, ${proxy.heldBack} Volue answers lost after commit`,
    );
    expect(outcomes.length).toBe((CLIENTS * OPERATIONS_PER_CLIENT) / 3);
    // Faults were really injected: some mutations needed a retry, and some Volue answers were lost.
    expect(outcomes.some((o) => o.attempts > 1)).toBe(true);
    expect(proxy.heldBack).toBeGreaterThan(0);
    for (const outcome of confirmed)
      expect({ identity: outcome.mutation.identity, held: held.get(outcome.mutation.identity) }).toEqual({
        identity: outcome.mutation.identity,
        held: 1,
      });
    for (const outcome of failed) expect(held.get(outcome.mutation.identity) ?? 0).toBeLessThanOrEqual(1);
  });
});
