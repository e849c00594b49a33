import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPOSITES, PROVIDERS } from '../subgraphs/registry.js';
import { SUPERGRAPH_PATH, readSupergraph, subgraphsOf } from './supergraph.js';

/** The subgraph list, read from the committed supergraph with federation's parser. */

const sdl = readFileSync(SUPERGRAPH_PATH, 'utf8');

describe('subgraphsOf', () => {
  it('names every subgraph of the registry with the URL compose gave it, in the supergraph’s order', () => {
    const expected = [...PROVIDERS, ...COMPOSITES].map(({ name, ports }) => ({ name, url: `http://localhost:${ports.subgraph}/graphql` }));
    expect(subgraphsOf(sdl)).toEqual(expected.sort((a, b) => a.name.localeCompare(b.name)));
  });

  it('reads directives, not text: a description quoting @join__graph adds no subgraph', () => {
    const quoted = sdl.replace(
      'Everything a client can read.',
      'Everything a client can read. Not a subgraph: @join__graph(name: "ghost", url: "http://ghost.invalid/graphql")',
    );
    expect(quoted).not.toBe(sdl);
    expect(subgraphsOf(quoted).map(({ name }) => name)).not.toContain('ghost');
    expect(subgraphsOf(quoted)).toEqual(subgraphsOf(sdl));
  });

  it('refuses a document that is no supergraph instead of finding no subgraphs in it', () => {
    expect(() => subgraphsOf('type Query { hello: String }')).toThrow();
  });
});

describe('readSupergraph', () => {
  it('gives the subgraphs and who resolves what from one reading', () => {
    const { subgraphs, ownership } = readSupergraph(sdl);
    expect(ownership.subgraphs).toEqual(subgraphs.map(({ name }) => name));
    expect([...ownership.fieldOwners('Query', 'openvoltMeters')]).toEqual(['openvolt']);
  });
});
