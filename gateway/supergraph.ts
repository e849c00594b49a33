import { Supergraph } from '@apollo/federation-internals';
import { fileURLToPath } from 'node:url';
import { ownershipOf, type SupergraphOwnership } from './ownership.js';

/**
 * The supergraph the gateway serves, read with federation's own parser (the one @apollo/gateway uses),
 * so what the gateway knows of its subgraphs is what its query planner knows.
 */

export const SUPERGRAPH_PATH = fileURLToPath(new URL('../supergraph.graphql', import.meta.url));

/** A subgraph as the supergraph names it, with the URL composed into it. */
export interface SubgraphEndpoint {
  name: string;
  url: string;
}

export interface SupergraphReading {
  subgraphs: SubgraphEndpoint[];
  ownership: SupergraphOwnership;
}

/** The subgraphs and who resolves what, from one parse of `supergraphSdl`. */
export function readSupergraph(supergraphSdl: string): SupergraphReading {
  const supergraph = parseSupergraph(supergraphSdl);
  return { subgraphs: endpointsOf(supergraph), ownership: ownershipOf(supergraph) };
}

/** Who resolves what in `supergraphSdl`. */
export function readOwnership(supergraphSdl: string): SupergraphOwnership {
  return ownershipOf(parseSupergraph(supergraphSdl));
}

/** The subgraphs a supergraph joins, in its order, with the URLs composed into it. */
export function subgraphsOf(supergraphSdl: string): SubgraphEndpoint[] {
  return endpointsOf(parseSupergraph(supergraphSdl));
}

/**
 * Parsed as a supergraph (a document without the join spec is refused) but not validated in full:
 * @apollo/gateway validates the same document when it loads it, and that takes several times as long.
 */
export function parseSupergraph(supergraphSdl: string): Supergraph {
  return Supergraph.build(supergraphSdl, { validateSupergraph: false });
}

function endpointsOf(supergraph: Supergraph): SubgraphEndpoint[] {
  return supergraph.subgraphsMetadata().map(({ name, url }) => ({ name, url }));
}
