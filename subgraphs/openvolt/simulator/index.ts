import type { RequestHandler } from 'express';
import { HttpError, startSimulator, type FaultSettings, type RunningSimulator } from '../../../shared/simulator/index.js';
import { numberInRange, readConfig } from '../../../shared/subgraph/config.js';
import type { SimulatorForSubgraph, SimulatorPlacement } from '../../../shared/subgraph/provider.js';
import { OPENVOLT_API_BASE_PATH, type OpenvoltMeterDataReceivedItem } from '../contract.js';
import { registerOpenvoltRoutes } from './routes/index.js';
import { OpenvoltSimulatorStore } from './store.js';
import { deliverMeterDataReceived, pullDailyData, WebhookSender } from './webhooks.js';

/**
 * A faithful local Openvolt API (spec v1.0.1, https://api.openvolt.com/v1) served under `/v1`, answering
 * the way the live API does where it deviates from the spec: one file per resource under routes/, the
 * seeded state in store.ts and seed.ts, the paths, allowed values and shapes in ../contract.ts. What is
 * confirmed, observed and inferred is listed in ../CONTRACT.md; keep the two in step.
 */

export const OPENVOLT_SIMULATOR_API_KEY = 'test-gridgraph-simulator-key';
/** Openvolt pulls data daily. */
const DAY_MS = 86_400_000;

export interface OpenvoltSimulatorOptions {
  port?: number;
  host?: string;
  apiKey?: string;
  faults?: Partial<FaultSettings>;
  /** Where webhook deliveries are POSTed; none are sent while unset. */
  webhookUrl?: string;
  /** The simulator's clock: only half hours ended by now() have data. */
  now?: () => Date;
  /**
   * Real milliseconds between two daily pulls, each sending `meter_data.received` for the last full day
   * of the clock: a day by default; shorter compresses the days (tests, demos); 0 pulls only when asked.
   */
  dataPullEveryMs?: number;
}

export interface OpenvoltSimulator extends RunningSimulator {
  /** POSTs a `meter_data.received` delivery; rejects with HttpError 404 for an unknown meter_id. */
  deliverMeterDataReceived(items: OpenvoltMeterDataReceivedItem[]): Promise<void>;
  /** Sets (or clears) the webhook URL, e.g. once the receiving subgraph knows its own port. */
  setWebhookUrl(url: string | undefined): void;
  /** Runs the daily pull now (what the timer does every `dataPullEveryMs`); resolves once its delivery is sent. */
  pullDailyData(): Promise<void>;
}

export async function startOpenvoltSimulator(options: OpenvoltSimulatorOptions = {}): Promise<OpenvoltSimulator> {
  const apiKey = options.apiKey ?? OPENVOLT_SIMULATOR_API_KEY;
  const now = options.now ?? (() => new Date());
  const webhooks = new WebhookSender(options.webhookUrl, now);
  const store = new OpenvoltSimulatorStore(now);
  const requireApiKey: RequestHandler = (req, _res, next) => {
    if (req.get('x-api-key') !== apiKey) throw new HttpError(401, 'Missing or invalid API key (x-api-key header)');
    next();
  };
  const simulator = await startSimulator({
    name: 'openvolt',
    port: options.port,
    host: options.host,
    faults: options.faults,
    configure: (app) => registerOpenvoltRoutes(app, { store, now, requireApiKey, webhooks }),
    onReset: () => store.reset(),
  });
  const pull = () => pullDailyData(store, webhooks, now);
  const everyMs = options.dataPullEveryMs ?? DAY_MS;
  // unref: a pending pull never keeps the process alive.
  const pullTimer = everyMs > 0 ? setInterval(() => void pull(), everyMs).unref() : undefined;
  return {
    ...simulator,
    deliverMeterDataReceived: (items) => deliverMeterDataReceived(store, webhooks, items),
    setWebhookUrl: (url) => {
      webhooks.url = url;
    },
    pullDailyData: pull,
    // Lets deliveries in flight finish (they are bounded by a timeout) so tests see them before teardown.
    stop: async () => {
      clearInterval(pullTimer);
      await simulator.stop();
      await webhooks.drain();
    },
  };
}

/** The simulator's own settings. */
export const settings = {
  OPENVOLT_SIM_DATA_PULL_EVERY_MS: numberInRange(
    0,
    DAY_MS,
  )({
    default: DAY_MS,
    desc: 'Real milliseconds between the simulator’s daily data pulls (each sends meter_data.received); shorter compresses days, 0 turns them off',
  }),
};

/** For the kit (shared/subgraph/provider.ts): the simulator a subgraph without OPENVOLT_API_URL runs against. */
export async function startForSubgraph(env: NodeJS.ProcessEnv, placement: SimulatorPlacement): Promise<SimulatorForSubgraph> {
  const apiKey = env.OPENVOLT_API_KEY || OPENVOLT_SIMULATOR_API_KEY;
  const simulator = await startOpenvoltSimulator({
    ...placement,
    apiKey,
    dataPullEveryMs: Math.floor(readConfig(settings, env).OPENVOLT_SIM_DATA_PULL_EVERY_MS),
  });
  return {
    simulator,
    env: {
      OPENVOLT_API_URL: `${simulator.url}${OPENVOLT_API_BASE_PATH}`,
      OPENVOLT_API_KEY: apiKey,
      // The subgraph puts the token in its webhook URL, which the simulator delivers to.
      OPENVOLT_WEBHOOK_TOKEN: env.OPENVOLT_WEBHOOK_TOKEN || placement.webhookSecret || '',
    },
    subgraphStarted: ({ webhookUrl }) => simulator.setWebhookUrl(webhookUrl),
  };
}
