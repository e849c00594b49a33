import 'reflect-metadata';
import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { SUPERGRAPH_PATH } from '../gateway/supergraph.js';
import { buildProviderSchema } from '../shared/subgraph/provider.js';
import { COMPOSITES, PROVIDERS } from '../subgraphs/registry.js';

/**
 * Static composition (DESIGN.md): every subgraph in subgraphs/registry.ts (providers, then composites), composed with composeServices
 * into the supergraph.graphql the gateway serves. A test fails when the committed file is stale.
 */
export async function composeSupergraph(): Promise<string> {
  const subgraphs = [...PROVIDERS.map((provider) => ({ ...provider, schema: () => buildProviderSchema(provider) })), ...COMPOSITES];
  const services = await Promise.all(
    subgraphs.map(async ({ name, ports, schema }) => ({
      name,
      url: `http://localhost:${ports.subgraph}/graphql`,
      typeDefs: parse(printSubgraphSchema(await schema())),
    })),
  );
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((error) => `  ${error.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}

// `npm run compose`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeFile(SUPERGRAPH_PATH, await composeSupergraph());
  console.log(`wrote ${SUPERGRAPH_PATH}`);
}
