import type { RequestHandler } from 'express';
import { HttpError, startSimulator, type FaultSettings, type RunningSimulator } from '../../../shared/simulator/index.js';
import type { SimulatorForSubgraph, SimulatorPlacement } from '../../../shared/subgraph/provider.js';
import { OPENVOLT_API_BASE_PATH, type OpenvoltMeterDataReceivedItem } from '../contract.js';
import { registerOpenvoltRoutes } from './routes/index.js';
import { OpenvoltSimulatorStore } from './store.js';
import { deliverMeterDataReceived, WebhookSender } from './webhooks.js';

/**
 * A faithful local Openvolt API (spec v1.0.1, https://api.openvolt.com/v1) served under `/v1`, answering
 * the way the live API does where it deviates from the spec: one file per resource under routes/, the
 * seeded state in store.ts and seed.ts, the paths, allowed values and shapes in ../contract.ts. What is
 * confirmed, observed and inferred is listed in ../CONTRACT.md; keep the two in step.
 */

export const OPENVOLT_SIMULATOR_API_KEY = 'test-gridgraph-simulator-key';

export interface OpenvoltSimulatorOptions {
  port?: number;
  host?: string;
  apiKey?: string;
  faults?: Partial<FaultSettings>;
  /** Where webhook deliveries are POSTed; none are sent while unset. */
  webhookUrl?: string;
  /** The simulator's clock: only half hours ended by now() have data. */
  now?: () => Date;
}

export interface OpenvoltSimulator extends RunningSimulator {
  /** POSTs a `meter_data.received` delivery; rejects with HttpError 404 for an unknown meter_id. */
  deliverMeterDataReceived(items: OpenvoltMeterDataReceivedItem[]): Promise<void>;
  /** Sets (or clears) the webhook URL, e.g. once the receiving subgraph knows its own port. */
  setWebhookUrl(url: string | undefined): void;
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
  return {
    ...simulator,
    deliverMeterDataReceived: (items) => deliverMeterDataReceived(store, webhooks, items),
    setWebhookUrl: (url) => {
      webhooks.url = url;
    },
    // Lets deliveries in flight finish (they are bounded by a timeout) so tests see them before teardown.
    stop: async () => {
      await simulator.stop();
      await webhooks.drain();
    },
  };
}

/** For the kit (shared/subgraph/provider.ts): the simulator a subgraph without OPENVOLT_API_URL runs against. */
export async function startForSubgraph(env: NodeJS.ProcessEnv, placement: SimulatorPlacement): Promise<SimulatorForSubgraph> {
  const apiKey = env.OPENVOLT_API_KEY || OPENVOLT_SIMULATOR_API_KEY;
  const simulator = await startOpenvoltSimulator({
    ...placement,
    apiKey,
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
