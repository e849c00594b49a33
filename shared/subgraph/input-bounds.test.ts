import { ApolloServer } from '@apollo/server';
import fc from 'fast-check';
import { buildSchema, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../graph/errors.js';
import { checkInputBounds, DEFAULT_INPUT_BOUNDS, inputBoundsPlugin, type InputBounds } from './input-bounds.js';

/** The bounds every server checks argument values against, derived from the schema's types. */

const schema = buildSchema(`
  scalar JSON
  input ValueInput { timestamp: String!, value: Float! }
  input PushInput { meterId: ID!, values: [ValueInput!]!, note: String }
  type Meter { id: ID!, rename(name: String!): Meter }
  type Query { meter(id: ID!): Meter, meters(ids: [ID!]): [Meter] }
  type Mutation { push(input: PushInput!): Boolean, tag(metadata: JSON): Boolean }
`);

const BOUNDS: InputBounds = { ...DEFAULT_INPUT_BOUNDS, maxIdLength: 20, maxTextLength: 50, maxListItems: 3 };

/** The BadUserInputError the operation gets, or undefined when it is within bounds. */
function refusal(source: string, variables: Record<string, unknown> = {}): BadUserInputError | undefined {
  const document = parse(source);
  try {
    checkInputBounds(schema, document, getOperationAST(document)!, variables, BOUNDS);
    return undefined;
  } catch (error) {
    if (error instanceof BadUserInputError) return error;
    throw error;
  }
}

describe('input bounds', () => {
  it('accepts values within bounds, literal or from variables', () => {
    expect(refusal('{ meter(id: "m-1") { rename(name: "Main\\nboard\\t2") { id } } }')).toBeUndefined();
    expect(
      refusal('mutation ($input: PushInput!) { push(input: $input) }', {
        input: { meterId: 'm-1', values: [{ timestamp: '2026-01-01T00:00:00Z', value: -1.5e6 }] },
      }),
    ).toBeUndefined();
  });

  it('refuses an id over its length, naming the argument and the setting, without echoing the value', () => {
    const error = refusal('query ($id: ID!) { meter(id: $id) { id } }', { id: 'x'.repeat(100_000) });
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id', field: 'Query.meter' });
    expect(error?.message).toBe('Argument id of Query.meter is 100000 characters long; at most 20 are accepted (INPUT_MAX_ID_LENGTH).');
  });

  it('gives free text more room than an id', () => {
    const text = 'y'.repeat(40);
    expect(refusal(`{ meter(id: "m") { rename(name: "${text}") { id } } }`)).toBeUndefined();
    expect(refusal(`{ meter(id: "${text}") { id } }`)?.extensions.argument).toBe('id');
  });

  it('refuses a NUL byte in an id and in text, and a line break in an id only', () => {
    expect(refusal('query ($id: ID!) { meter(id: $id) { id } }', { id: 'a\u0000b' })?.message).toContain(
      'control character U+0000 at position 1',
    );
    expect(refusal('{ meter(id: "m") { rename(name: "a\\u0000b") { id } } }')?.extensions.field).toBe('Meter.rename');
    expect(refusal('{ meter(id: "a\\nb") { id } }')?.message).toContain('U+000A');
  });

  it('refuses numbers beyond the magnitude bound, deep inside input objects and lists', () => {
    const error = refusal('mutation ($input: PushInput!) { push(input: $input) }', {
      input: {
        meterId: 'm',
        values: [
          { timestamp: 't', value: 1 },
          { timestamp: 't', value: 1.7e308 },
        ],
      },
    });
    expect(error?.extensions.argument).toBe('input.values[1].value');
    expect(error?.message).toContain('(INPUT_MAX_MAGNITUDE)');
    expect(refusal('mutation { push(input: { meterId: "m", values: [{ timestamp: "t", value: 1e400 }] }) }')?.message).toContain(
      'is not a finite number',
    );
  });

  it('refuses a list over its length', () => {
    expect(refusal('{ meters(ids: ["a", "b", "c", "d"]) { id } }')?.message).toContain('has 4 items; at most 3');
  });

  it('checks the strings, keys, numbers and depth inside a JSON value', () => {
    expect(refusal('mutation ($m: JSON) { tag(metadata: $m) }', { m: { site: 'Oslo\nnorth', floors: [1, 2] } })).toBeUndefined();
    expect(refusal('mutation ($m: JSON) { tag(metadata: $m) }', { m: { site: 'a\u0000' } })?.extensions.argument).toBe('metadata.site');
    expect(refusal('mutation ($m: JSON) { tag(metadata: $m) }', { m: { ['k'.repeat(60)]: 1 } })?.message).toContain('(a key)');
    expect(refusal('mutation ($m: JSON) { tag(metadata: $m) }', { m: { big: -2e300 } })?.extensions.argument).toBe('metadata.big');
    let deep: unknown = 'leaf';
    for (let i = 0; i < 50; i++) deep = [deep];
    expect(refusal('mutation ($m: JSON) { tag(metadata: $m) }', { m: deep })?.message).toContain('nests deeper than');
  });

  it('leaves a …Base64 field’s size to its own cap, but refuses characters that are not base64', () => {
    const schema64 = buildSchema(
      'input Upload { contentBase64: String! } type Query { a: Int } type Mutation { upload(input: Upload!): Boolean }',
    );
    const check = (content: string) => {
      const document = parse('mutation ($c: String!) { upload(input: { contentBase64: $c }) }');
      return () => checkInputBounds(schema64, document, getOperationAST(document)!, { c: content }, BOUNDS);
    };
    expect(check('QUJD'.repeat(1_000))).not.toThrow();
    expect(check('QUJD\u0000')).toThrow(/input.contentBase64 of Mutation.upload holds characters that are not base64/);
  });

  it('checks arguments inside fragments', () => {
    expect(refusal('{ meter(id: "m") { ...F } } fragment F on Meter { rename(name: "a\\u0001") { id } }')?.extensions.field).toBe(
      'Meter.rename',
    );
  });

  it('refuses every id holding a control character, and accepts every printable one within length', () => {
    const control = fc
      .integer({ min: 0, max: 0x9f })
      .filter((code) => code < 0x20 || code >= 0x7f)
      .map((code) => String.fromCharCode(code));
    const printable = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.:/ é€'), maxLength: 9 });
    fc.assert(
      fc.property(printable, control, printable, (before, bad, after) => {
        expect(refusal('query ($id: ID!) { meter(id: $id) { id } }', { id: before + bad + after })?.extensions.argument).toBe('id');
        expect(refusal('query ($id: ID!) { meter(id: $id) { id } }', { id: before + after })).toBeUndefined();
      }),
    );
  });

  it('as a plugin, checks each request’s variables though it works out a document’s arguments once, and refuses bad literals every time', async () => {
    const server = new ApolloServer({ schema, plugins: [inputBoundsPlugin(BOUNDS)] });
    await server.start();
    try {
      const codeOf = async (query: string, variables: Record<string, unknown> = {}) => {
        const { body } = await server.executeOperation({ query, variables });
        if (body.kind !== 'single') throw new Error('expected a single result');
        return body.singleResult.errors?.[0]?.extensions?.code ?? 'OK';
      };
      const byVariable = 'query ($id: ID!, $name: String!) { meter(id: $id) { rename(name: $name) { id } } }';
      const answers = [];
      for (const [id, name] of [
        ['m-1', 'ok'],
        ['m-\u0000', 'ok'],
        ['m-2', 'ok'],
        ['m-3', 'x'.repeat(51)],
      ]) {
        answers.push(await codeOf(byVariable, { id, name }));
      }
      expect(answers).toEqual(['OK', 'BAD_USER_INPUT', 'OK', 'BAD_USER_INPUT']);

      const badLiteral = '{ meter(id: "m-1") { rename(name: "a\\u0001") { id } } }';
      expect([await codeOf(badLiteral), await codeOf(badLiteral)]).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
      const mixed = 'query ($id: ID!) { meter(id: $id) { rename(name: "fine") { id } } }';
      expect([await codeOf(mixed, { id: 'm-1' }), await codeOf(mixed, { id: 'x'.repeat(21) })]).toEqual(['OK', 'BAD_USER_INPUT']);
    } finally {
      await server.stop();
    }
  });
});
