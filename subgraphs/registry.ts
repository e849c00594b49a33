import type { CompositeDescriptor } from '../shared/subgraph/composite.js';
import type { AnyProvider } from '../shared/subgraph/provider.js';
import { enerkey } from './enerkey/provider.js';
import { intellimeter } from './intellimeter/provider.js';
import { metering } from './metering/composite.js';
import { openvolt } from './openvolt/provider.js';
import { umeter } from './umeter/provider.js';
import { volue } from './volue/provider.js';

/**
 * The one list of providers: start-all, compose, the generated deployment files, the tests and the
 * benchmarks read it. Adding a provider is its folder and one entry here (`npm run new-provider`).
 * Ordered by subgraph port (DESIGN.md, "Conventions").
 */
export const PROVIDERS: readonly AnyProvider[] = [openvolt, volue, umeter, enerkey, intellimeter];

/**
 * The composite subgraphs: answers made from the provider subgraphs' (a merged series for one
 * connection), asked over HTTP. Not providers: no simulator, no credentials, not in the scaffold's or
 * the tests' provider lists; compose, start-all and the generated settings include them. Each is started
 * after the providers, whose subgraphs it asks.
 */
export const COMPOSITES: readonly CompositeDescriptor[] = [metering];
