import { runAloneWhenMain } from '../../shared/subgraph/provider.js';
import { umeter } from './provider.js';

// `tsx subgraphs/umeter/index.ts`: this subgraph alone, as it is deployed (its simulator too, unless its API URL is set).
await runAloneWhenMain(umeter, import.meta.url);
