import { runCompositeAloneWhenMain } from '../../shared/subgraph/composite.js';
import { metering } from './composite.js';

// `tsx subgraphs/metering/index.ts`: the metering subgraph alone, as it is deployed (the provider subgraphs run elsewhere).
await runCompositeAloneWhenMain(metering, import.meta.url);
