import type { RequestHandler } from 'express';
import { type RunningSimulator, type SimulatorOptions, startSimulator, TokenIssuer } from '../../../shared/simulator/index.js';
import { numberInRange, readConfig } from '../../../shared/subgraph/config.js';
import type { SimulatorForSubgraph, SimulatorPlacement } from '../../../shared/subgraph/provider.js';
import {
  VOLUE_API_BASE_PATH,
  VOLUE_DEFAULT_TOKEN_LIFETIME_SECONDS,
  VOLUE_TOKEN_PATH,
  type VolueEventPayload,
  type VolueEventPayloadType,
  type VolueEventRecord,
} from '../contract.js';
import { volueErrorBody } from './http.js';
import { VolueNotifier } from './notifier.js';
import { registerVolueRoutes } from './routes/index.js';
import { locationLpcTargets, priceCurvePayload, resourceLpcTargets } from './seed.js';
import { type StoredReport, type StoredWebhookLog, VolueSimulatorStore } from './store.js';
import { stamp } from './time.js';

/**
 * A local Volue Energy Coordination API (Spark): every path of the current partner OpenAPI (2026-01) with
 * its schemas, status codes and error shapes (test/volue-contract.test.ts). Auth is OAuth2 client credentials
 * at `/connect/token` (the identity server, served by the same process here). contract.ts holds the
 * paths, values and shapes; routes/ one file per resource; CONTRACT.md what is confirmed and inferred.
 */

export const VOLUE_SIMULATOR_CLIENT_ID = 'gridgraph-volue-simulator';
export const VOLUE_SIMULATOR_CLIENT_SECRET = 'gridgraph-volue-simulator-secret';

/** Where it listens and its faults, as for any simulator; then Volue's own. */
export interface VolueSimulatorOptions extends Pick<SimulatorOptions, 'port' | 'host' | 'faults'> {
  clientId?: string;
  clientSecret?: string;
  /** Seconds an access token lives (tests shorten it to make a token expire). */
  tokenLifetimeSeconds?: number;
  /** The simulator's clock (token expiry, timestamps of created objects). */
  now?: () => Date;
}

export interface VolueSimulator extends RunningSimulator {
  /** The identity server's token URL (`<url>/connect/token`). */
  tokenUrl: string;
  /** The API base URL (`<url>/energy-coordination/v1`). */
  apiUrl: string;
  tokens: TokenIssuer<string>;
  /** Creates an event of the type with the simulation routes' defaults, or `payload`, and delivers it to every matching webhook. */
  createEvent(payloadType: VolueEventPayloadType, payload?: VolueEventPayload): Promise<VolueEventRecord>;
  /** Reports received by POST /reports, oldest first. */
  reports(): StoredReport[];
  /** Every webhook delivery attempted, oldest first. */
  deliveries(): StoredWebhookLog['log'][];
}

export async function startVolueSimulator(options: VolueSimulatorOptions = {}): Promise<VolueSimulator> {
  const clientId = options.clientId ?? VOLUE_SIMULATOR_CLIENT_ID;
  const clientSecret = options.clientSecret ?? VOLUE_SIMULATOR_CLIENT_SECRET;
  const now = options.now ?? (() => new Date());
  const tokens = new TokenIssuer<string>(options.tokenLifetimeSeconds ?? VOLUE_DEFAULT_TOKEN_LIFETIME_SECONDS, () => now().getTime());
  const store = new VolueSimulatorStore();
  const notifier = new VolueNotifier(store, now);
  const requireBearer: RequestHandler = (req, _res, next) => {
    tokens.requireBearer(req);
    next();
  };

  const simulator = await startSimulator({
    name: 'volue',
    port: options.port,
    host: options.host,
    faults: options.faults,
    configure: (app) => registerVolueRoutes(app, { clientId, clientSecret, tokens }, { store, now, requireBearer, notifier }),
    onReset: () => store.reset(),
    errorBody: volueErrorBody,
  });

  return Object.assign(simulator, {
    tokenUrl: `${simulator.url}${VOLUE_TOKEN_PATH}`,
    apiUrl: `${simulator.url}${VOLUE_API_BASE_PATH}`,
    tokens,
    createEvent: (payloadType: VolueEventPayloadType, payload?: VolueEventPayload) =>
      notifier.publish(payload ?? defaultPayload(payloadType, `test:${store.events.length}`, now(), store.eligibleUserIds())),
    reports: () => store.reports,
    deliveries: () => store.webhookLogs.map((entry) => entry.log).reverse(),
  });
}

/** The simulator's own settings. */
export const settings = {
  VOLUE_SIM_TOKEN_LIFETIME_S: numberInRange(
    1,
    86_400,
  )({ default: VOLUE_DEFAULT_TOKEN_LIFETIME_SECONDS, desc: 'Lifetime of the simulator’s access tokens' }),
};

/** For the kit (shared/subgraph/provider.ts): the simulator a subgraph without VOLUE_API_URL runs against. */
export async function startForSubgraph(env: NodeJS.ProcessEnv, placement: SimulatorPlacement): Promise<SimulatorForSubgraph> {
  const clientId = env.VOLUE_CLIENT_ID || VOLUE_SIMULATOR_CLIENT_ID;
  const clientSecret = env.VOLUE_CLIENT_SECRET || VOLUE_SIMULATOR_CLIENT_SECRET;
  const simulator = await startVolueSimulator({
    ...placement,
    clientId,
    clientSecret,
    tokenLifetimeSeconds: readConfig(settings, env).VOLUE_SIM_TOKEN_LIFETIME_S,
  });
  return {
    simulator,
    env: {
      VOLUE_API_URL: simulator.apiUrl,
      VOLUE_TOKEN_URL: simulator.tokenUrl,
      VOLUE_CLIENT_ID: clientId,
      VOLUE_CLIENT_SECRET: clientSecret,
      // The subgraph gives its webhooks this secret, and the simulator signs their deliveries with it.
      VOLUE_WEBHOOK_SECRET: env.VOLUE_WEBHOOK_SECRET || placement.webhookSecret || '',
    },
  };
}

/** The payload the simulation routes make of an empty request (LPCReservation, which no route makes, gets LocationLPC's targets). */
function defaultPayload(payloadType: VolueEventPayloadType, seed: string, at: Date, eligibleUserIds: string[]): VolueEventPayload {
  switch (payloadType) {
    case 'PriceCurve':
      return priceCurvePayload(seed, at, {});
    case 'UserEligibility':
      return { payloadType, lastUpdated: stamp(at), addedUsers: eligibleUserIds.slice(0, 1), removedUsers: [] };
    case 'LocationLPC':
    case 'LPCReservation':
      return { payloadType, targets: locationLpcTargets(seed, at, undefined) };
    case 'ResourceLPC':
      return { payloadType, targets: resourceLpcTargets(seed, at, undefined) };
  }
}
