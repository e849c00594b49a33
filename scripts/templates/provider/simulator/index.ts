import { startSimulator, type FaultSettings, type RunningSimulator } from '../../../shared/simulator/index.js';
import type { SimulatorForSubgraph, SimulatorPlacement } from '../../../shared/subgraph/provider.js';
import type { __Name__ErrorRecord } from '../contract.js';
import { apiKeyAuthorization, register__Name__Routes } from './routes/index.js';
import { __Name__SimulatorStore } from './store.js';

/**
 * A local __Label__ API following CONTRACT.md (contract.ts holds its paths, limits and shapes): an API
 * key in a header, meters (seed.ts) and their half-hourly readings, one file per resource under routes/.
 * Seeded and deterministic; `reset()` returns it to the seed. A tool for tests and `npm start`, never
 * loaded by a subgraph that runs against the real API.
 */

/** The one API key the simulator accepts. */
export const __NAME___SIMULATOR_API_KEY = '__name__-simulator-key';

export interface __Name__SimulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  faults?: Partial<FaultSettings>;
  /** The simulator's clock: only half hours ended by now() have readings. */
  now?: () => Date;
}

export async function start__Name__Simulator(options: __Name__SimulatorOptions = {}): Promise<RunningSimulator> {
  const store = new __Name__SimulatorStore(options.now ?? (() => new Date()));
  return startSimulator({
    name: '__name__',
    host: options.host,
    port: options.port,
    faults: options.faults,
    onReset: () => store.reset(),
    errorBody: (status, message): __Name__ErrorRecord => ({ status, message }),
    configure: (app) => register__Name__Routes(app, { store, authorize: apiKeyAuthorization(__NAME___SIMULATOR_API_KEY) }),
  });
}

/** For the kit (shared/subgraph/provider.ts): the simulator a subgraph without __NAME___API_URL runs against. */
export async function startForSubgraph(_env: NodeJS.ProcessEnv, placement: SimulatorPlacement): Promise<SimulatorForSubgraph> {
  const simulator = await start__Name__Simulator(placement);
  return {
    simulator,
    // The simulator accepts its own key only, whatever key is configured for the real API.
    env: { __NAME___API_URL: simulator.url, __NAME___API_KEY: __NAME___SIMULATOR_API_KEY },
  };
}
