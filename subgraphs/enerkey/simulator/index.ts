import { type FaultSettings, type RunningSimulator, startSimulator } from '../../../shared/simulator/index.js';
import { numberInRange, readConfig } from '../../../shared/subgraph/config.js';
import type { SimulatorForSubgraph, SimulatorPlacement } from '../../../shared/subgraph/provider.js';
import { ENERKEY_DAILY_LIMIT } from '../contract.js';
import { keyAuthorization, type EnerkeySimulatorKey } from './auth.js';
import { registerEnerkeyRoutes } from './routes/index.js';
import { EnerkeySimulatorStore } from './store.js';

/**
 * A local EnerKey API following the inferred contract in CONTRACT.md (contract.ts holds the paths,
 * limits and record types): raw API keys in `Authorization` with validity dates, a 24-hour request
 * budget per key reported in `X-Rate-Limit`, facilities, meters, quantities, values, push, actions,
 * images and provisioning (one file each under routes/). Seeded and deterministic; `reset()` returns it
 * to the seed.
 */

export type { EnerkeySimulatorKey } from './auth.js';

/** The profile's two keys (both valid) and one that expired, as EnerKey's two-key scheme allows. */
export const ENERKEY_SIMULATOR_KEYS = {
  primary: 'enerkey-sim-primary-0f3a9c',
  secondary: 'enerkey-sim-secondary-7b21d4',
  expired: 'enerkey-sim-expired-5e8c11',
} as const;

export interface EnerkeySimulatorOptions {
  port?: number;
  host?: string;
  faults?: Partial<FaultSettings>;
  /** Requests each key may make per 24 hours (default 40,000). */
  dailyLimit?: number;
  /** The profile's keys with their validity dates; default: ENERKEY_SIMULATOR_KEYS. */
  keys?: EnerkeySimulatorKey[];
  /** The simulator's clock: only hours ended by now() have seeded data. */
  now?: () => Date;
}

export interface EnerkeySimulator extends RunningSimulator {
  /** Calls left for a key in its current 24-hour window. */
  remainingBudget(key: string): number;
}

export async function startEnerkeySimulator(options: EnerkeySimulatorOptions = {}): Promise<EnerkeySimulator> {
  const now = options.now ?? (() => new Date());
  const keys = options.keys ?? [
    { key: ENERKEY_SIMULATOR_KEYS.primary, validFrom: '2024-01-01', validTo: '2099-12-31' },
    { key: ENERKEY_SIMULATOR_KEYS.secondary, validFrom: '2025-01-01', validTo: '2099-12-31' },
    { key: ENERKEY_SIMULATOR_KEYS.expired, validFrom: '2022-01-01', validTo: '2023-12-31' },
  ];
  const store = new EnerkeySimulatorStore(now);
  const { authorize, remainingBudget } = keyAuthorization({ keys, dailyLimit: options.dailyLimit ?? ENERKEY_DAILY_LIMIT, store, now });
  const simulator = await startSimulator({
    name: 'enerkey',
    host: options.host,
    port: options.port,
    faults: options.faults,
    onReset: () => store.reset(),
    errorBody: (status, message) => ({ status, message }),
    configure: (app) => registerEnerkeyRoutes(app, { store, now, authorize }),
  });
  return Object.assign(simulator, { remainingBudget });
}

/** The simulator's own settings. */
export const settings = {
  ENERKEY_SIM_DAILY_LIMIT: numberInRange(
    1,
    10_000_000,
  )({ default: ENERKEY_DAILY_LIMIT, desc: 'Requests per key per 24 h the simulator allows' }),
};

/** For the kit (shared/subgraph/provider.ts): the simulator a subgraph without ENERKEY_API_URL runs against. */
export async function startForSubgraph(env: NodeJS.ProcessEnv, placement: SimulatorPlacement): Promise<SimulatorForSubgraph> {
  const simulator = await startEnerkeySimulator({
    ...placement,
    dailyLimit: Math.floor(readConfig(settings, env).ENERKEY_SIM_DAILY_LIMIT),
  });
  return {
    simulator,
    env: {
      ENERKEY_API_URL: simulator.url,
      ENERKEY_API_KEY: env.ENERKEY_API_KEY || ENERKEY_SIMULATOR_KEYS.primary,
      ENERKEY_API_KEY_SECONDARY: env.ENERKEY_API_KEY_SECONDARY || ENERKEY_SIMULATOR_KEYS.secondary,
    },
  };
}
