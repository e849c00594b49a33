import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimateReadings } from './readings-estimator.js';

/** The readings estimate (list sizes × time-series lengths). */

// The composed supergraph's API: every provider's time-series fields and lists.
const schema = buildSchema(readFileSync(new URL('../../supergraph.graphql', import.meta.url), 'utf8'));

function estimate(document: string, variables: Record<string, unknown> = {}, defaultListSize = 20): number {
  const parsed = parse(document);
  const operation = parsed.definitions.find((definition) => definition.kind === 'OperationDefinition') as OperationDefinitionNode;
  return estimateReadings(schema, parsed, operation, variables, defaultListSize);
}

const DAY = '{ from: "2026-11-02T00:00:00Z", to: "2026-11-03T00:00:00Z", resolution: HOUR }';

describe('estimateReadings', () => {
  it('counts ⌈span ÷ resolution⌉ + 1 readings for one time series', () => {
    expect(estimate(`{ openvoltMeter(id: "m") { consumption(range: ${DAY}) { total } } }`)).toBe(25);
  });

  it('reads ranges and page sizes from variables', () => {
    const document = `query ($range: ReadingRange!, $first: Int!) {
      openvoltCustomer(id: "c") { meters(first: $first) { nodes { consumption(range: $range) { total } } } }
    }`;
    const range = { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z', resolution: 'HALF_HOUR' };
    expect(estimate(document, { range, first: 50 })).toBe(50 * (30 * 48 + 1));
    expect(estimate(document, { range, first: 5 })).toBe(5 * (30 * 48 + 1));
  });

  it('takes a connection’s default first when none is given, and the default list size for a plain list', () => {
    const document = `{ intellimeterPoints { nodes { consumption(range: ${DAY}) { total } } } }`;
    expect(estimate(document, {}, 7)).toBe(20 * 25); // first: Int! = 20 in the schema
    expect(estimate(`{ umeterCustomer { connections { consumption(range: ${DAY}) { total } } } }`, {}, 10)).toBe(10 * 25);
  });

  it('adds every time series of a selection, fragments and aliases included', () => {
    const document = `
      { openvoltMeter(id: "m") { ...Both  again: consumption(range: ${DAY}) { total } } }
      fragment Both on OpenvoltMeter { consumption(range: ${DAY}) { total } }`;
    expect(estimate(document)).toBe(50);
  });

  it('counts a reading once per copy the answer sends of it: aliases of per-reading fields multiply, other fields do not', () => {
    const series = (selection: string) => estimate(`{ openvoltMeter(id: "m") { consumption(range: ${DAY}) { ${selection} } } }`);
    expect(series('total count a: total readings { start end value quality } values starts')).toBe(25);
    expect(series('readings { start a: start b: start }')).toBe(3 * 25);
    expect(series('readings { start } again: readings { start end }')).toBe(2 * 25);
    expect(series('values a: values b: values c: values')).toBe(4 * 25);
    expect(series('readings { end x: __typename y: __typename }')).toBe(2 * 25);
    expect(
      estimate(`
        { openvoltMeter(id: "m") { consumption(range: ${DAY}) { readings { ...Twice } } } }
        fragment Twice on Reading { start again: start }`),
    ).toBe(2 * 25);
  });

  it('counts nothing for a range it cannot read; the subgraph refuses that with its own error', () => {
    expect(
      estimate(
        `{ openvoltMeter(id: "m") { consumption(range: { from: "yesterday", to: "2026-11-03T00:00:00Z", resolution: HOUR }) { total } } }`,
      ),
    ).toBe(0);
    expect(estimate(`query ($r: ReadingRange!) { openvoltMeter(id: "m") { consumption(range: $r) { total } } }`)).toBe(0);
  });

  it('counts one item per representation of a subgraph’s entity fetch', () => {
    const subgraph = buildSchema(`
      scalar _Any
      type Query { _entities(representations: [_Any!]!): [_Entity]! }
      union _Entity = Meter
      type Meter { consumption(range: ReadingRange!): Series }
      type Series { total: Float }
      input ReadingRange { from: String!, to: String!, resolution: String! }`);
    const document = parse(`query ($representations: [_Any!]!, $range: ReadingRange!) {
      _entities(representations: $representations) { ... on Meter { consumption(range: $range) { total } } }
    }`);
    const operation = document.definitions[0] as OperationDefinitionNode;
    const range = { from: '2026-11-02T00:00:00Z', to: '2026-11-03T00:00:00Z', resolution: 'HOUR' };
    const representations = Array.from({ length: 37 }, (_, index) => ({ __typename: 'Meter', id: String(index) }));
    expect(estimateReadings(subgraph, document, operation, { representations, range }, 20)).toBe(37 * 25);
  });
});
