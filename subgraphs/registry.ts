import type { SubgraphModule } from '../shared/subgraph/module.js';
import { enerkeySubgraph } from './enerkey/index.js';
import { intellimeterSubgraph } from './intellimeter/index.js';
import { openvoltSubgraph } from './openvolt/index.js';
import { umeterSubgraph } from './umeter/index.js';
import { volueSubgraph } from './volue/index.js';

/**
 * The one list of providers. start-all, compose and the test stack read it: adding a subgraph is one
 * entry here (plus its folder), nothing else. Ordered by subgraph port (DESIGN.md, "Conventions").
 */
export const SUBGRAPHS: readonly SubgraphModule[] = [
  openvoltSubgraph,
  volueSubgraph,
  umeterSubgraph,
  enerkeySubgraph,
  intellimeterSubgraph,
];
