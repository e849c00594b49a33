import type { RequestHandler } from 'express';
import { startSimulator, TokenIssuer, type FaultSettings, type RunningSimulator } from '../../../shared/simulator/index.js';
import { numberInRange, readConfig } from '../../../shared/subgraph/config.js';
import type { SimulatorForSubgraph, SimulatorPlacement } from '../../../shared/subgraph/provider.js';
import { registerUmeterRoutes } from './routes/index.js';
import { UmeterSimulatorStore } from './store.js';

/**
 * A local UMeter serving all three of its hosts on one port: the auth host (`POST /token`), the app host
 * (`GET /api/customer`, `GET /api/P4/…`) and the measurement host (`GET /api/v2/measurements/…`), one
 * file each under routes/. The customer and P4 answers have the shape of UMeter's real responses; the
 * measurement body is the inferred one in CONTRACT.md (contract.ts holds the paths, limits and record
 * types). Seeded and deterministic (seed.ts, store.ts).
 */

export const UMETER_SIMULATOR_USERNAME = 'facilities@gridgraph.example';
export const UMETER_SIMULATOR_PASSWORD = 'test-gridgraph-umeter-password';

export interface UmeterSimulatorOptions {
  port?: number;
  host?: string;
  username?: string;
  password?: string;
  /** Seconds an access token lives (default 3600). */
  tokenLifetimeSeconds?: number;
  faults?: Partial<FaultSettings>;
  /** The simulator's clock: measurements are served only for intervals that have ended by now(). */
  now?: () => Date;
}

export interface UmeterSimulator extends RunningSimulator {
  /** Every issued token stops working at once (a token expiring mid-run). */
  expireTokens(): void;
}

export async function startUmeterSimulator(options: UmeterSimulatorOptions = {}): Promise<UmeterSimulator> {
  const account = { username: options.username ?? UMETER_SIMULATOR_USERNAME, password: options.password ?? UMETER_SIMULATOR_PASSWORD };
  const tokens = new TokenIssuer<string>(options.tokenLifetimeSeconds ?? 3600);
  const requireToken: RequestHandler = (req, _res, next) => {
    tokens.requireBearer(req);
    next();
  };
  const store = new UmeterSimulatorStore(account.username);
  const simulator = await startSimulator({
    name: 'umeter',
    port: options.port,
    host: options.host,
    faults: options.faults,
    configure: (app) => registerUmeterRoutes(app, { store, now: options.now ?? (() => new Date()), account, tokens, requireToken }),
    errorBody: (status, message) => ({ message, statusCode: status }),
  });
  return Object.assign(simulator, { expireTokens: () => tokens.expireAll() });
}

/** The simulator's own settings. */
export const settings = {
  UMETER_SIM_TOKEN_LIFETIME_S: numberInRange(1, 86_400)({ default: 3600, desc: 'Lifetime of the simulator’s access tokens' }),
};

/** For the kit (shared/subgraph/provider.ts): the simulator a subgraph without UMETER_API_URL runs against. */
export async function startForSubgraph(env: NodeJS.ProcessEnv, placement: SimulatorPlacement): Promise<SimulatorForSubgraph> {
  const username = env.UMETER_USERNAME || UMETER_SIMULATOR_USERNAME;
  const password = env.UMETER_PASSWORD || UMETER_SIMULATOR_PASSWORD;
  const simulator = await startUmeterSimulator({
    ...placement,
    username,
    password,
    tokenLifetimeSeconds: readConfig(settings, env).UMETER_SIM_TOKEN_LIFETIME_S,
  });
  // The simulator serves all three hosts.
  const url = simulator.url;
  return {
    simulator,
    env: { UMETER_API_URL: url, UMETER_AUTH_URL: url, UMETER_MEASUREMENTS_URL: url, UMETER_USERNAME: username, UMETER_PASSWORD: password },
  };
}
