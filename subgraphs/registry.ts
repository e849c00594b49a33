import type { SubgraphModule } from '../shared/subgraph-module.js';
import { enerkeySubgraph } from './enerkey/index.js';
import { openvoltSubgraph } from './openvolt/index.js';

/**
 * The one list of providers. start-all, compose and the test stack read it: adding a subgraph is one
 * entry here (plus its folder), nothing else.
 */
export const SUBGRAPHS: readonly SubgraphModule[] = [openvoltSubgraph, enerkeySubgraph];
