import { gql } from 'graphql-request';
import { SEED_USER_IDS } from '../../subgraphs/volue/simulator/seed.js';
import type { GraphQLErrorShape } from './stack.js';

/**
 * The soak tests' workload ("Nothing lost"): concurrent clients sending a mix of queries and
 * registration mutations, each mutation with its own idempotency key and retried on an UPSTREAM_* error;
 * and what the providers hold afterwards, to check that nothing was lost or written twice.
 */

type Send = (document: string, variables?: Record<string, unknown>) => Promise<{ data: any; errors: GraphQLErrorShape[] }>;

export const QUERIES = [
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

export type Kind = 'webhook' | 'volueMeter' | 'openvoltCustomer' | 'intellimeterUser';
export interface Mutation {
  kind: Kind;
  /** What identifies the created object at the provider. */
  identity: string;
  document: string;
  variables: Record<string, unknown>;
}

export function mutation(kind: Kind, n: number): Mutation {
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

export const KINDS: Kind[] = ['webhook', 'volueMeter', 'openvoltCustomer', 'intellimeterUser'];

export interface Outcome {
  mutation: Mutation;
  confirmed: boolean;
  attempts: number;
}

/** `clients` concurrent clients, each sending `operations` (every third a mutation); `between(i)` runs before operation i. */
export async function runMixedClients(options: {
  clients: number;
  operations: number;
  maxAttempts: number;
  send: Send;
  between?: (operation: number) => Promise<void>;
}): Promise<{ outcomes: Outcome[]; responses: Array<{ data: unknown; errors: GraphQLErrorShape[] }> }> {
  const outcomes: Outcome[] = [];
  const responses: Array<{ data: unknown; errors: GraphQLErrorShape[] }> = [];
  let counter = 0;
  let started = 0;

  async function send(document: string, variables?: Record<string, unknown>) {
    const response = await options.send(document, variables);
    responses.push(response);
    return response;
  }

  async function client(c: number) {
    for (let i = 0; i < options.operations; i++) {
      await options.between?.(started++);
      if (i % 3 !== 0) {
        await send(QUERIES[(c + i) % QUERIES.length]!);
        continue;
      }
      const n = counter++;
      const m = mutation(KINDS[n % KINDS.length]!, n);
      const key = `soak-${n}`;
      let confirmed = false;
      let attempts = 0;
      while (!confirmed && attempts < options.maxAttempts) {
        attempts++;
        const { data, errors } = await send(m.document, { ...m.variables, key });
        if (errors.length === 0 && data) confirmed = true;
        else if (!errors.every((e) => String(e.extensions?.code ?? '').startsWith('UPSTREAM_'))) break;
      }
      outcomes.push({ mutation: m, confirmed, attempts });
    }
  }

  await Promise.all(Array.from({ length: options.clients }, (_, c) => client(c)));
  return { outcomes, responses };
}

/** Responses with neither data nor errors, or with an error without a code. */
export function uncoded(responses: Array<{ data: unknown; errors: GraphQLErrorShape[] }>) {
  return responses.filter((r) => (r.data === null && r.errors.length === 0) || r.errors.some((e) => !e.extensions?.code));
}

/** How many times the providers hold each mutation's object, read through the graph (without faults). */
export async function heldAtProviders(send: Send, outcomes: Outcome[]): Promise<Map<string, number>> {
  const { data, errors } = await send(
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
  if (errors.length > 0) throw new Error(`reading what the providers hold failed: ${JSON.stringify(errors)}`);
  const held = new Map<string, number>();
  const count = (identity: string) => held.set(identity, (held.get(identity) ?? 0) + 1);
  (data.volueWebhooks as Array<{ name: string | null }>).forEach((w) => w.name && count(w.name));
  (data.volueUser.meters as Array<{ meterPointId: string }>).forEach((m) => count(m.meterPointId));
  (data.intellimeterUsers.nodes as Array<{ username: string }>).forEach((u) => count(u.username));
  for (const outcome of outcomes.filter((o) => o.mutation.kind === 'openvoltCustomer')) {
    const email = outcome.mutation.identity;
    const found = await send(
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
    if (found.errors.length > 0) throw new Error(`reading Openvolt customers failed: ${JSON.stringify(found.errors)}`);
    held.set(email, (found.data.openvoltCustomers.nodes as Array<{ email: string }>).filter((c) => c.email === email).length);
  }
  return held;
}
