import type { AnyProvider } from '../shared/subgraph/provider.js';
import { enerkey } from './enerkey/provider.js';
import { intellimeter } from './intellimeter/provider.js';
import { openvolt } from './openvolt/provider.js';
import { umeter } from './umeter/provider.js';
import { volue } from './volue/provider.js';

/**
 * The one list of providers: start-all, compose, the generated deployment files, the tests and the
 * benchmarks read it. Adding a provider is its folder and one entry here (`npm run new-provider`).
 * Ordered by subgraph port (DESIGN.md, "Conventions").
 */
export const PROVIDERS: readonly AnyProvider[] = [openvolt, volue, umeter, enerkey, intellimeter];
