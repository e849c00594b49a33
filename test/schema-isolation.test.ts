import { printSubgraphSchema } from '@apollo/subgraph';
import { describe, expect, it } from 'vitest';
import { buildProviderSchema } from '../shared/subgraph/provider.js';
import { PROVIDERS } from '../subgraphs/registry.js';

/**
 * Every subgraph is built in one process (compose, start-all, tests). type-graphql keeps one global
 * metadata store, and without shared/subgraph/type-graphql-metadata.ts the field resolvers that one subgraph adds
 * to the shared MeteringPoint entity (and every type they reach) leak into the next subgraph's schema.
 */
describe('subgraph schemas built in one process', () => {
  it('each keeps only its own types and MeteringPoint fields', async () => {
    const printed = new Map<string, string>();
    for (const module of PROVIDERS) printed.set(module.name, printSubgraphSchema(await buildProviderSchema(module)));
    for (const module of PROVIDERS) {
      const own = printed.get(module.name)!;
      for (const other of PROVIDERS.filter((candidate) => candidate !== module)) {
        // Every provider's own types carry its name as a prefix (OpenvoltMeter, VolueUser, …).
        const prefix = other.name[0]!.toUpperCase() + other.name.slice(1);
        expect(own, `${module.name} leaks ${other.name}`).not.toMatch(new RegExp(`\\b(type|input|enum) ${prefix}[A-Z]`));
      }
    }
  });
});
