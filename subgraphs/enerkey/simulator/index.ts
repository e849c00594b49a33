import { type FaultSettings, type RunningSimulator, startSimulator } from '../../../shared/simulator/index.js';
import { numberInRange, readConfig, str } from '../../../shared/subgraph/config.js';
import type { SimulatorForSubgraph, SimulatorPlacement } from '../../../shared/subgraph/provider.js';
import { ENERKEY_DAILY_LIMIT, ENERKEY_DOCUMENTED_BURST, ENERKEY_PUSH_MODES, type EnerkeyPushMode } from '../contract.js';
import { keyAuthorization, type EnerkeySimulatorKey } from './auth.js';
import { registerEnerkeyRoutes } from './routes/index.js';
import { SEED_METERING_POINTS } from './seed.js';
import { EnerkeySimulatorStore } from './store.js';

/**
 * A local EnerKey API following the inferred contract in CONTRACT.md (contract.ts holds the paths,
 * limits and record types): raw API keys in `Authorization` with validity dates, a 24-hour request
 * budget per key reported in `X-Rate-Limit`, optionally a burst limit per key, facilities, meters,
 * quantities, values, push, actions, images, alarm logs and provisioning (one file each under routes/). Seeded and deterministic; `reset()` returns it
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
  /** Requests each key may make per sliding window (default: no burst limit, as on the production page). */
  burst?: { limit: number; windowMs: number };
  /** What a consumption push does to an hour that has a value (default `add`, as EnerKey's text says). */
  pushMode?: EnerkeyPushMode;
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
  const store = new EnerkeySimulatorStore(now, options.pushMode);
  const { authorize, remainingBudget } = keyAuthorization({
    keys,
    dailyLimit: options.dailyLimit ?? ENERKEY_DAILY_LIMIT,
    burst: options.burst,
    store,
    now,
  });
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
  ENERKEY_SIM_BURST_LIMIT: numberInRange(
    0,
    1_000_000,
  )({
    default: 0,
    desc: `Requests per key per burst window the simulator allows (0 = no burst limit; EnerKey's development portal states ${ENERKEY_DOCUMENTED_BURST.limit}); the subgraph is told the same limit`,
  }),
  ENERKEY_SIM_BURST_WINDOW_SECONDS: numberInRange(
    1,
    86_400,
  )({
    default: ENERKEY_DOCUMENTED_BURST.windowMs / 1000,
    desc: 'The simulator’s burst window in seconds',
  }),
  ENERKEY_SIM_PUSH_MODE: str({
    default: 'add',
    choices: [...ENERKEY_PUSH_MODES],
    desc: 'What a consumption push does to an hour that has a value: add (as EnerKey’s text says) or replace',
  }),
};

/** For the kit (shared/subgraph/provider.ts): the simulator a subgraph without ENERKEY_API_URL runs against. */
export async function startForSubgraph(env: NodeJS.ProcessEnv, placement: SimulatorPlacement): Promise<SimulatorForSubgraph> {
  const own = readConfig(settings, env);
  const burstLimit = Math.floor(own.ENERKEY_SIM_BURST_LIMIT);
  const simulator = await startEnerkeySimulator({
    ...placement,
    dailyLimit: Math.floor(own.ENERKEY_SIM_DAILY_LIMIT),
    burst: burstLimit > 0 ? { limit: burstLimit, windowMs: own.ENERKEY_SIM_BURST_WINDOW_SECONDS * 1000 } : undefined,
    pushMode: own.ENERKEY_SIM_PUSH_MODE as EnerkeyPushMode,
  });
  return {
    simulator,
    env: {
      ENERKEY_API_URL: simulator.url,
      ENERKEY_API_KEY: env.ENERKEY_API_KEY || ENERKEY_SIMULATOR_KEYS.primary,
      ENERKEY_API_KEY_SECONDARY: env.ENERKEY_API_KEY_SECONDARY || ENERKEY_SIMULATOR_KEYS.secondary,
      // The subgraph keeps to the simulator's burst limit, as it would to the real API's.
      ENERKEY_BURST_LIMIT: env.ENERKEY_BURST_LIMIT || String(burstLimit),
      ENERKEY_BURST_WINDOW_SECONDS: env.ENERKEY_BURST_WINDOW_SECONDS || String(own.ENERKEY_SIM_BURST_WINDOW_SECONDS),
    },
    meteringPoints: SEED_METERING_POINTS,
  };
}
