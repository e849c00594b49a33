import { runAloneWhenMain } from '../../shared/subgraph/provider.js';
import { enerkey } from './provider.js';

// `tsx subgraphs/enerkey/index.ts`: this subgraph alone, as it is deployed (its simulator too, unless its API URL is set).
await runAloneWhenMain(enerkey, import.meta.url);
