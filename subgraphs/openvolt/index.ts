import { runAloneWhenMain } from '../../shared/subgraph/provider.js';
import { openvolt } from './provider.js';

// `tsx subgraphs/openvolt/index.ts`: this subgraph alone, as it is deployed (its simulator too, unless its API URL is set).
await runAloneWhenMain(openvolt, import.meta.url);
