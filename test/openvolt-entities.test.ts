import { GraphQLClient, gql } from 'graphql-request';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asGateway, startStack, type TestStack } from './support/stack.js';

/**
 * Entity references, the way the gateway resolves them when another subgraph points at an Openvolt
 * entity: `_entities` on the subgraph, through the same loaders (so repeated references cost one call).
 */
let stack: TestStack;
let subgraph: GraphQLClient;

beforeAll(async () => {
  stack = await startStack();
  subgraph = new GraphQLClient(`${stack.subgraphs.openvolt!.subgraph.url}/graphql`, { errorPolicy: 'all', headers: asGateway(stack) });
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => stack.simulator('openvolt').reset());

const ENTITIES = gql`
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      __typename
      ... on OpenvoltMeter {
        id
        meterNumber
        customer {
          id
        }
      }
      ... on OpenvoltCustomer {
        id
        name
      }
      ... on MeteringPoint {
        id
        openvoltMeters {
          id
        }
      }
    }
  }
`;

describe('__resolveReference', () => {
  it('resolves meters, customers and metering points from their keys, through the loaders', async () => {
    const { data, errors } = await subgraph.rawRequest<{ _entities: Array<Record<string, unknown>> }>(ENTITIES, {
      representations: [
        { __typename: 'OpenvoltMeter', id: '6514167223e3d1424bf82742' },
        { __typename: 'OpenvoltMeter', id: '6514167223e3d1424bf82742' },
        { __typename: 'OpenvoltCustomer', id: '6514153c23e3d1424bf82738' },
        { __typename: 'MeteringPoint', id: '9999999999999' },
      ],
    });
    expect(errors).toBeUndefined();
    expect(data._entities[0]).toEqual({
      __typename: 'OpenvoltMeter',
      id: '6514167223e3d1424bf82742',
      meterNumber: '9999999999999',
      customer: { id: '6514153c23e3d1424bf82738' },
    });
    expect(data._entities[1]).toEqual(data._entities[0]);
    expect(data._entities[2]).toMatchObject({ __typename: 'OpenvoltCustomer', id: '6514153c23e3d1424bf82738' });
    expect((data._entities[3] as { openvoltMeters: unknown[] }).openvoltMeters).toHaveLength(2);
    const simulator = stack.simulator('openvolt');
    expect(simulator.callCount('GET', '/v1/meters/:_id')).toBe(1);
    // One call for the OpenvoltCustomer reference; the meter's `customer` uses the customer embedded
    // in the meter answer and costs none.
    expect(simulator.callCount('GET', '/v1/customers/:_id')).toBe(1);
  });

  it('an unknown reference is NOT_FOUND for that entity only', async () => {
    const { data, errors } = await subgraph.rawRequest<{ _entities: Array<unknown> }>(ENTITIES, {
      representations: [
        { __typename: 'OpenvoltMeter', id: '0123456789abcdef01234567' },
        { __typename: 'OpenvoltCustomer', id: '6514153c23e3d1424bf82738' },
      ],
    });
    expect(data._entities[0]).toBeNull();
    expect(data._entities[1]).toMatchObject({ __typename: 'OpenvoltCustomer' });
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'OPENVOLT' });
  });
});
