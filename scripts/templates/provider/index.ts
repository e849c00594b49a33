import { runAloneWhenMain } from '../../shared/subgraph/provider.js';
import { __name__ } from './provider.js';

// `tsx subgraphs/__name__/index.ts`: this subgraph alone, as it is deployed (its simulator too, unless its API URL is set).
await runAloneWhenMain(__name__, import.meta.url);
