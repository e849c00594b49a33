import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { ConfigError, readConfig, str } from '../../shared/subgraph/config.js';
import { buildFederatedSchema } from '../../shared/subgraph/federation.js';
import { MeteringPointRootResolver, resolveMeteringPointReference } from '../../shared/graph/index.js';
import { startGraphQLServer, type RunningServer } from '../../shared/subgraph/server.js';
import { faultsFromEnv } from '../../shared/simulator/index.js';
import { createStore } from '../../shared/store/index.js';
import { readWebhookRetentionMs } from '../../shared/subgraph/webhook-inbox.js';
import {
  closingStore,
  readProviderServerConfig,
  runAloneWhenMain,
  startAgainstSimulator,
  subgraphServerSettings,
  type ProviderServerConfig,
  type StartOptions,
  type SubgraphModule,
} from '../../shared/subgraph/module.js';
import { OpenvoltClient } from './client.js';
import { OPENVOLT_DEFAULT_CALENDAR_ZONE, openvoltReadings } from './readings.js';
import { TimeSeriesReader } from '../../shared/time/index.js';
import { IANAZone } from 'luxon';
import { createOpenvoltLoaders, type OpenvoltAccountShape } from './loaders.js';
import {
  OpenvoltConsentResolver,
  OpenvoltCustomerResolver,
  OpenvoltMeterResolver,
  OpenvoltMeteringPointResolver,
  OpenvoltMutationResolver,
  OpenvoltQueryResolver,
  openvoltReferenceResolvers,
  type OpenvoltContext,
} from './resolvers.js';
import { OPENVOLT_SIMULATOR_API_KEY, startOpenvoltSimulator } from './simulator.js';
import { OPENVOLT_WEBHOOK_PATH, OpenvoltEvents, mountOpenvoltWebhook } from './webhooks.js';

/** The Openvolt subgraph: configuration, schema, and its server. Runnable on its own (see the bottom). */

const OPENVOLT_SUBGRAPH_PORT = 4001;

export interface OpenvoltConfig extends ProviderServerConfig {
  apiKey: string;
  /** When set, webhook deliveries must carry `?token=<this>`. */
  webhookToken: string | undefined;
  /** How long received deliveries are kept (WEBHOOK_RETENTION_DAYS). */
  webhookRetentionMs: number;
  /** The zone Openvolt's day, week, month and year rows are taken to be cut in; null: ask for half hours only. */
  calendarZone: string | null;
}

export function readOpenvoltConfig(env: NodeJS.ProcessEnv): OpenvoltConfig {
  const server = readProviderServerConfig('OPENVOLT', { subgraphPort: OPENVOLT_SUBGRAPH_PORT, simulatorPort: 4101 }, env);
  const { OPENVOLT_API_KEY, OPENVOLT_WEBHOOK_TOKEN, OPENVOLT_CALENDAR_ZONE } = readConfig(
    {
      OPENVOLT_API_KEY: str({ default: '' }),
      OPENVOLT_WEBHOOK_TOKEN: str({ default: '' }),
      OPENVOLT_CALENDAR_ZONE: str({
        default: OPENVOLT_DEFAULT_CALENDAR_ZONE,
        desc: 'IANA zone in which Openvolt cuts its day, week, month and year rows (inferred), or "none" to read half hours only',
      }),
    },
    env,
  );
  if (OPENVOLT_CALENDAR_ZONE !== 'none' && !IANAZone.isValidZone(OPENVOLT_CALENDAR_ZONE)) {
    throw new ConfigError(`OPENVOLT_CALENDAR_ZONE must be an IANA time zone such as UTC, or "none" (got "${OPENVOLT_CALENDAR_ZONE}").`);
  }
  if (server.apiUrl && !OPENVOLT_API_KEY) {
    throw new ConfigError('OPENVOLT_API_KEY is required when OPENVOLT_API_URL is set (your key from Openvolt’s developer dashboard).');
  }
  return {
    ...server,
    apiKey: OPENVOLT_API_KEY || OPENVOLT_SIMULATOR_API_KEY,
    webhookToken: OPENVOLT_WEBHOOK_TOKEN || undefined,
    webhookRetentionMs: readWebhookRetentionMs(env),
    calendarZone: OPENVOLT_CALENDAR_ZONE === 'none' ? null : OPENVOLT_CALENDAR_ZONE,
  };
}

let schema: Promise<GraphQLSchema> | undefined;

/** Built once per process: the schema is the same for every server instance. */
export function buildOpenvoltSchema(): Promise<GraphQLSchema> {
  schema ??= buildFederatedSchema<OpenvoltContext>({
    resolvers: [
      OpenvoltQueryResolver,
      OpenvoltMutationResolver,
      OpenvoltCustomerResolver,
      OpenvoltMeterResolver,
      OpenvoltConsentResolver,
      OpenvoltMeteringPointResolver,
      MeteringPointRootResolver,
    ],
    referenceResolvers: { ...openvoltReferenceResolvers, MeteringPoint: resolveMeteringPointReference },
  });
  return schema;
}

/** Serves the subgraph against `config.apiUrl` (which must be set). */
export async function startOpenvoltSubgraph(
  config: OpenvoltConfig & { apiUrl: string },
  { now = Date.now }: StartOptions = {},
): Promise<RunningServer> {
  const store = createStore(config.store);
  const client = new OpenvoltClient({
    baseUrl: config.apiUrl,
    apiKey: config.apiKey,
    calls: config.calls,
  });
  const events = new OpenvoltEvents(store, config.webhookRetentionMs);
  const source = openvoltReadings(client, config.calendarZone);
  const account: OpenvoltAccountShape = { moreThanOnePage: false };
  return closingStore(
    await startGraphQLServer<OpenvoltContext>({
      name: 'openvolt',
      ...subgraphServerSettings(config),
      schema: await buildOpenvoltSchema(),
      context: async () => ({
        client,
        store,
        loaders: createOpenvoltLoaders(client, account),
        events,
        readings: new TimeSeriesReader(source, now),
      }),
      routes: (app) => mountOpenvoltWebhook(app, events, config.webhookToken),
    }),
    store,
  );
}

export const openvoltSubgraph: SubgraphModule = {
  name: 'openvolt',
  provider: 'OPENVOLT',
  defaultPort: OPENVOLT_SUBGRAPH_PORT,
  buildSchema: buildOpenvoltSchema,
  async start(env, options = {}) {
    const config = readOpenvoltConfig(env);
    if (config.apiUrl) return { subgraph: await startOpenvoltSubgraph({ ...config, apiUrl: config.apiUrl }, options) };
    const simulator = await startOpenvoltSimulator({
      now: options.now && (() => new Date(options.now!())),
      host: config.host,
      port: config.simulatorPort,
      apiKey: config.apiKey,
      faults: faultsFromEnv('OPENVOLT', env),
    });
    const started = await startAgainstSimulator(simulator, ({ url }) => startOpenvoltSubgraph({ ...config, apiUrl: `${url}/v1` }, options));
    const token = config.webhookToken ? `?token=${encodeURIComponent(config.webhookToken)}` : '';
    simulator.setWebhookUrl(`${started.subgraph.url}${OPENVOLT_WEBHOOK_PATH}${token}`);
    return started;
  },
};

// `tsx subgraphs/openvolt/index.ts`: this subgraph alone.
await runAloneWhenMain(openvoltSubgraph, import.meta.url, '/v1');
