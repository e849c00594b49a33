import type { SubgraphModule } from '../shared/subgraph-module.js';
import { intellimeterSubgraph } from './intellimeter/index.js';
import { openvoltSubgraph } from './openvolt/index.js';
import { umeterSubgraph } from './umeter/index.js';
import { volueSubgraph } from './volue/index.js';

/**
 * The one list of providers. start-all, compose and the test stack read it: adding a subgraph is one
 * entry here (plus its folder), nothing else.
 */
export const SUBGRAPHS: readonly SubgraphModule[] = [openvoltSubgraph, volueSubgraph, umeterSubgraph, intellimeterSubgraph];
