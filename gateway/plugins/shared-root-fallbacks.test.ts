import { readFileSync } from 'node:fs';
import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH, readOwnership } from '../supergraph.js';
import { sharedRootFallbacks } from './shared-root-fallbacks.js';

/** Who resolves what, read from the committed supergraph, and the shared-root failover built on it. */

const ownership = readOwnership(readFileSync(SUPERGRAPH_PATH, 'utf8'));
const owners = (type: string, field: string) => [...ownership.fieldOwners(type, field)].sort();
const normalized = (query: string) => print(parse(query));

describe('supergraph ownership', () => {
  it('names the subgraphs in the supergraph’s order', () => {
    expect(ownership.subgraphs).toEqual(['enerkey', 'intellimeter', 'metering', 'openvolt', 'umeter', 'volue']);
  });

  it('gives a shared field every subgraph of its type, a contributed field only its contributor', () => {
    // The composite (metering) resolves the shared root and key too, beside the five providers.
    expect(owners('Query', 'meteringPoint')).toEqual(['enerkey', 'intellimeter', 'metering', 'openvolt', 'umeter', 'volue']);
    expect(owners('MeteringPoint', 'id')).toEqual(['enerkey', 'intellimeter', 'metering', 'openvolt', 'umeter', 'volue']);
    expect(owners('MeteringPoint', 'consumption')).toEqual(['metering']);
    expect(owners('MeteringPoint', 'umeterConnection')).toEqual(['umeter']);
    expect(owners('Query', 'openvoltMeters')).toEqual(['openvolt']);
    expect(owners('OpenvoltMeter', 'consumption')).toEqual(['openvolt']);
    expect(owners('TimeSeries', 'total')).toEqual(['enerkey', 'intellimeter', 'openvolt', 'umeter']);
  });

  it('knows nothing of federation’s own fields or of unknown types', () => {
    expect(owners('Query', '_entities')).toEqual([]);
    expect([...ownership.typeOwners('NoSuchType')]).toEqual([]);
  });
});

describe('shared-root failover', () => {
  it('asks another subgraph for the shared root without the down subgraph’s fields, and nulls those', () => {
    const fetch = `query Q__enerkey__0($id: ID!, $range: ReadingRange!) {
      meteringPoint(id: $id) { enerkeyMeters { id consumption(range: $range) { total } } id }
    }`;
    const [first, ...others] = sharedRootFallbacks(ownership, 'enerkey', fetch, { id: '871687120000000011', range: {} });
    expect(first!.subgraph).toBe('intellimeter');
    expect(others.map((each) => each.subgraph)).toEqual(['metering', 'openvolt', 'umeter', 'volue']);
    expect(first!.query).toBe(normalized('query Q__enerkey__0($id: ID!) { meteringPoint(id: $id) { id } }'));
    expect(first!.variables).toEqual({ id: '871687120000000011' });

    const answer = first!.complete({ data: { meteringPoint: { id: '871687120000000011' } } });
    expect(answer.data).toEqual({ meteringPoint: { id: '871687120000000011', enerkeyMeters: null } });
    expect(answer.errors).toEqual([
      expect.objectContaining({
        path: ['meteringPoint', 'enerkeyMeters'],
        extensions: { code: 'UPSTREAM_UNAVAILABLE', subgraph: 'enerkey' },
      }),
    ]);
  });

  it('nulls the down subgraph’s own roots beside the shared one, keeps the answer’s own errors, and reads named fragments', () => {
    const fetch = `{
      volueUser(id: "u1") { id }
      meteringPoint(id: "1") { ...Point }
    }
    fragment Point on MeteringPoint { volueMeters { id } }`;
    const [first] = sharedRootFallbacks(ownership, 'volue', fetch, {});
    expect(first!.query).toBe(normalized('{ meteringPoint(id: "1") { ... on MeteringPoint { __typename } } }'));
    const answer = first!.complete({ data: { meteringPoint: { __typename: 'MeteringPoint' } }, errors: [{ message: 'its own' }] });
    expect(answer.data).toEqual({ volueUser: null, meteringPoint: { __typename: 'MeteringPoint', volueMeters: null } });
    expect(answer.errors!.map((error) => error.path ?? error.message)).toEqual([
      'its own',
      ['volueUser'],
      ['meteringPoint', 'volueMeters'],
    ]);
  });

  it('has no fallback for a mutation, an entity fetch, or a fetch of the down subgraph’s own roots', () => {
    const none = (query: string) => sharedRootFallbacks(ownership, 'openvolt', query, {});
    expect(none('mutation { deleteOpenvoltMeter(id: "1") { id } }')).toEqual([]);
    expect(none('query ($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }')).toEqual([]);
    expect(none('{ openvoltMeters { nodes { id } } }')).toEqual([]);
  });
});
