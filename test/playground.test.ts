import { readFile } from 'node:fs/promises';
import { buildSchema, parse, visit, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH, readOwnership } from '../gateway/supergraph.js';
import { PROVIDERS } from '../subgraphs/registry.js';
import { ExampleFormatError, loadExamples, parseExample } from '../gateway/playground/examples.js';
import { describeErrors, runOperation } from './support/operations.js';
import { startStack, type TestStack } from './support/stack.js';

/**
 * The playground as the gateway serves it, and its example operations (gateway/playground/examples/):
 * every example runs without an error, so the playground cannot open on a broken tab.
 */

const EXAMPLES = loadExamples();

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('example operations', () => {
  it('exist, with distinct operation names', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(2);
    const names = EXAMPLES.map((example) => example.operationName);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(EXAMPLES.map((example) => [example.file, example] as const))('%s runs without errors', async (_file, example) => {
    const { data, errors } = await runOperation(stack, example.query, example.variables);
    expect(describeErrors(errors)).toEqual([]);
    expect(data).not.toBeNull();
  });

  it('covers a meter’s consumption by day in a local zone, and every provider’s view of one metering point', async () => {
    const week = EXAMPLES.find((example) => example.file === 'openvolt-meter-week-by-day.graphql');
    expect(week?.variables).toMatchObject({ range: { resolution: 'DAY', timeZone: 'Europe/London' } });

    // Each provider contributes one field to MeteringPoint (besides deprecated ones; the composite's merged
    // fields are not a provider's view); the example must ask for all of them.
    const sdl = await readFile(SUPERGRAPH_PATH, 'utf8');
    const ownership = readOwnership(sdl);
    const providerNames = new Set(PROVIDERS.map(({ name }) => name));
    const meteringPoint = buildSchema(sdl).getType('MeteringPoint') as GraphQLObjectType;
    const providerFields = Object.values(meteringPoint.getFields())
      .filter((field) => field.name !== 'id' && !field.deprecationReason)
      .filter((field) => [...ownership.fieldOwners('MeteringPoint', field.name)].every((owner) => providerNames.has(owner)))
      .map((field) => field.name);
    const everyProvider = EXAMPLES.find((example) => example.file === 'all-providers-metering-point.graphql')!;
    const asked = new Set<string>();
    visit(parse(everyProvider.query), { Field: (node) => void asked.add(node.name.value) });
    expect(providerFields.length).toBe(PROVIDERS.length);
    expect(providerFields.filter((name) => !asked.has(name))).toEqual([]);
  });

  it('shows one metering point merged: a gap filled from the provider that had it, and a disagreement with both values', async () => {
    const merged = EXAMPLES.find((example) => example.file === 'metering-point-merged-week.graphql')!;
    const { data } = await runOperation(stack, merged.query, merged.variables);
    const { consumption, discrepancies } = (data as { meteringPoint: Record<string, any> }).meteringPoint;
    expect(consumption.filled).toBeGreaterThan(0);
    expect(consumption.readings.some(({ source }: { source: string }) => source === 'UMETER')).toBe(true);
    expect(discrepancies.buckets.length).toBeGreaterThan(0);
    for (const bucket of discrepancies.buckets) expect(bucket.values).toHaveLength(2);
  });
});

describe('example file format', () => {
  it('reads the title, the optional one-line variables and the one named operation', () => {
    expect(parseExample('# A title \n# variables: {"id": "1"}\n# a comment\nquery One($id: ID!) { a(id: $id) }\n', 'one.graphql')).toEqual({
      file: 'one.graphql',
      title: 'A title',
      variables: { id: '1' },
      operationName: 'One',
      query: '# a comment\nquery One($id: ID!) { a(id: $id) }\n',
    });
    expect(parseExample('# Plain\nmutation Two { b }\nfragment F on T { c }', 'two.graphql')).toMatchObject({
      title: 'Plain',
      variables: null,
      operationName: 'Two',
    });
  });

  it.each([
    ['no title line', 'query A { a }', /line 1/],
    ['variables that are not JSON', '# T\n# variables: {id: 1}\nquery A { a }', /not valid JSON/],
    ['variables that are not an object', '# T\n# variables: [1]\nquery A { a }', /JSON object/],
    ['an anonymous operation', '# T\n{ a }', /must be named/],
    ['two operations', '# T\nquery A { a }\nquery B { b }', /2 operations/],
    ['no operation', '# T\nfragment F on T { a }', /0 operations/],
    ['a syntax error', '# T\nquery A { a', /not a GraphQL document/],
  ])('rejects %s, naming the file', (_case, source, problem) => {
    expect(() => parseExample(source, 'bad.graphql')).toThrow(ExampleFormatError);
    expect(() => parseExample(source, 'bad.graphql')).toThrow(problem);
    expect(() => parseExample(source, 'bad.graphql')).toThrow(/^bad\.graphql: /);
  });
});

describe('the playground page', () => {
  it('is what a browser gets at / and /graphql, with every example and only local assets', async () => {
    for (const path of ['/', '/graphql']) {
      const response = await fetch(new URL(path, stack.gateway.url), { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      const html = await response.text();
      for (const example of EXAMPLES) expect(html).toContain(JSON.stringify(example.operationName));
      const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, url]) => url!);
      expect(references.length).toBeGreaterThanOrEqual(5);
      for (const reference of references) expect(reference).toMatch(/^(playground\/assets\/[\w.-]+|data:.*)$/);
    }
  });

  it('serves GraphiQL and React from node_modules, and nothing else from there', async () => {
    const asset = (name: string) => fetch(new URL(`/playground/assets/${name}`, stack.gateway.url));
    for (const [name, type, marker] of [
      ['graphiql.min.js', /javascript/, 'createFetcher'],
      ['graphiql.min.css', /css/, '.graphiql-container'],
      ['react.production.min.js', /javascript/, 'React'],
      ['react-dom.production.min.js', /javascript/, 'ReactDOM'],
      ['playground.js', /javascript/, 'playground-config'],
    ] as const) {
      const response = await asset(name);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type'), name).toMatch(type);
      expect(await response.text(), name).toContain(marker);
    }
    expect((await asset('package.json')).status).toBe(404);
    expect((await asset('..%2Fpackage.json')).status).toBe(404);
  });

  it('leaves GraphQL on / and /graphql to the gateway: POST, and GET with a query', async () => {
    for (const path of ['/', '/graphql']) {
      const post = await fetch(new URL(path, stack.gateway.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ meteringPoint(id: "9999999999999") { id } }' }),
      });
      expect(await post.json()).toEqual({ data: { meteringPoint: { id: '9999999999999' } } });
      const get = await fetch(new URL(`${path}?query=${encodeURIComponent('{ __typename }')}`, stack.gateway.url), {
        headers: { 'apollo-require-preflight': 'true' },
      });
      expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    }
  });
});
