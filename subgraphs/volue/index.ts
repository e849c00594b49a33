import { runAloneWhenMain } from '../../shared/subgraph/provider.js';
import { volue } from './provider.js';

// `tsx subgraphs/volue/index.ts`: this subgraph alone, as it is deployed (its simulator too, unless its API URL is set).
await runAloneWhenMain(volue, import.meta.url);
