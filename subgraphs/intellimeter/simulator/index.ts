import { startSimulator, type FaultSettings, type RunningSimulator } from '../../../shared/simulator/index.js';
import type { SimulatorForSubgraph, SimulatorPlacement } from '../../../shared/subgraph/provider.js';
import { INTELLIMETER_DEFAULT_TIME_ZONE } from '../contract.js';
import { SiteClock } from './clock.js';
import { Registers } from './registers.js';
import { registerIntellimeterRoutes } from './routes/index.js';
import { SEED_METERING_POINTS } from './seed.js';
import { Sessions } from './sessions.js';
import { IntellimeterSimulatorStore } from './store.js';

/**
 * A local Intellimeter classic API (https://api.intellimeter.ca), route by route as the seed describes
 * it, one resource a file under routes/: a cookie-carried session, rotating API keys, 5-minute cumulative
 * registers and intervals, users, PNG charts, metering points and history files. Every JSON route also
 * answers XML and YAML through `responseType`; an unknown type is executed first and then answered 400,
 * as the seed says. contract.ts holds the paths, limits and JSON shapes it shares with the connector;
 * what is inferred rather than documented is listed in CONTRACT.md. Seeded and deterministic (seed.ts).
 */

export const INTELLIMETER_SIMULATOR_API_KEY = '5a683c7dd6-c73b2a4313-f0fb321137-9123b7cec0';
export const INTELLIMETER_SIMULATOR_USERNAME = 'gridgraph';
export const INTELLIMETER_SIMULATOR_PASSWORD = 'gridgraph-simulator-password';

export interface IntellimeterSimulatorOptions {
  port?: number;
  host?: string;
  /** The API key of the seeded API account. */
  apiKey?: string;
  faults?: Partial<FaultSettings>;
  /** The simulator's clock: registers advance every five minutes of it. */
  now?: () => Date;
  /** The site's local zone (default America/Toronto). */
  timeZone?: string;
}

export interface IntellimeterSimulator extends RunningSimulator {
  /** Every session ends at once (a test's "the session expired"). */
  expireSessions(): void;
  /** The current API key of the seeded API account (it changes on POST /key). */
  currentKey(): string;
  /** How many logins (PUT /session) succeeded. */
  readonly logins: number;
}

export async function startIntellimeterSimulator(options: IntellimeterSimulatorOptions = {}): Promise<IntellimeterSimulator> {
  const store = new IntellimeterSimulatorStore({
    username: INTELLIMETER_SIMULATOR_USERNAME,
    password: INTELLIMETER_SIMULATOR_PASSWORD,
    key: options.apiKey ?? INTELLIMETER_SIMULATOR_API_KEY,
  });
  const sessions = new Sessions(store);
  const deps = {
    store,
    sessions,
    registers: new Registers(),
    clock: new SiteClock(options.now ?? (() => new Date()), options.timeZone ?? INTELLIMETER_DEFAULT_TIME_ZONE),
  };
  const simulator = await startSimulator({
    name: 'intellimeter',
    port: options.port,
    host: options.host,
    faults: options.faults,
    configure: (app) => registerIntellimeterRoutes(app, deps),
    onReset: () => {
      store.reset();
      sessions.reset();
    },
  });
  const extended = Object.assign(simulator, {
    expireSessions: () => sessions.expireAll(),
    currentKey: () => store.apiKey(),
  });
  // A live getter (Object.assign would copy today's value).
  return Object.defineProperty(extended, 'logins', { get: () => sessions.logins, enumerable: true }) as IntellimeterSimulator;
}

/** For the kit (shared/subgraph/provider.ts): the simulator a subgraph without INTELLIMETER_API_URL runs against. */
export async function startForSubgraph(env: NodeJS.ProcessEnv, placement: SimulatorPlacement): Promise<SimulatorForSubgraph> {
  const apiKey = env.INTELLIMETER_API_KEY || INTELLIMETER_SIMULATOR_API_KEY;
  const simulator = await startIntellimeterSimulator({
    ...placement,
    apiKey,
    timeZone: env.INTELLIMETER_TIME_ZONE || undefined,
  });
  return {
    simulator,
    env: {
      INTELLIMETER_API_URL: simulator.url,
      INTELLIMETER_API_KEY: apiKey,
      INTELLIMETER_USERNAME: INTELLIMETER_SIMULATOR_USERNAME,
      INTELLIMETER_PASSWORD: INTELLIMETER_SIMULATOR_PASSWORD,
    },
    meteringPoints: SEED_METERING_POINTS,
  };
}
