import { runAloneWhenMain } from '../../shared/subgraph/provider.js';
import { intellimeter } from './provider.js';

// `tsx subgraphs/intellimeter/index.ts`: this subgraph alone, as it is deployed (its simulator too, unless its API URL is set).
await runAloneWhenMain(intellimeter, import.meta.url);
