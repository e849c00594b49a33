import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { ConfigError, numberInRange, optionalUrl, readConfig, str, url } from '../../shared/subgraph/config.js';
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
  type SubgraphModule,
} from '../../shared/subgraph/module.js';
import { VolueClient } from './client.js';
import { createVolueLoaders } from './loaders.js';
import {
  VolueMeteringPointResolver,
  VolueMeterResolver,
  VolueMutationResolver,
  VolueQueryResolver,
  VolueUserResolver,
  volueReferenceResolvers,
  type VolueContext,
} from './resolvers.js';
import {
  VOLUE_DEFAULT_TOKEN_LIFETIME_SECONDS,
  VOLUE_SIMULATOR_CLIENT_ID,
  VOLUE_SIMULATOR_CLIENT_SECRET,
  startVolueSimulator,
} from './simulator.js';
import { VOLUE_WEBHOOK_PATH, VolueNotifications, mountVolueWebhook } from './webhooks.js';

/** The Volue subgraph: configuration, schema, and its server. Runnable on its own (see the bottom). */

const VOLUE_SUBGRAPH_PORT = 4002;
export const VOLUE_DEFAULT_TOKEN_URL = 'https://auth.identity.volue.com/connect/token';
/** The webhook secret used with the simulator when VOLUE_WEBHOOK_SECRET is unset. */
export const VOLUE_SIMULATOR_WEBHOOK_SECRET = 'gridgraph-volue-simulator-webhook-secret';

export interface VolueConfig extends ProviderServerConfig {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  webhookSecret: string;
  /** Public URL of this server's webhook receiver (the default target of subscribeVolueEvents). */
  webhookReceiverUrl: string | undefined;
  /** Lifetime of the simulator's access tokens. */
  simulatorTokenLifetimeSeconds: number;
  /** How long received notifications are kept (WEBHOOK_RETENTION_DAYS). */
  webhookRetentionMs: number;
}

export function readVolueConfig(env: NodeJS.ProcessEnv): VolueConfig {
  const server = readProviderServerConfig('VOLUE', { subgraphPort: VOLUE_SUBGRAPH_PORT, simulatorPort: 4102 }, env);
  const config = readConfig(
    {
      VOLUE_TOKEN_URL: url({ default: VOLUE_DEFAULT_TOKEN_URL }),
      VOLUE_CLIENT_ID: str({ default: '' }),
      VOLUE_CLIENT_SECRET: str({ default: '' }),
      VOLUE_WEBHOOK_SECRET: str({ default: '' }),
      VOLUE_WEBHOOK_RECEIVER_URL: optionalUrl({ default: '' }),
      VOLUE_SIM_TOKEN_LIFETIME_S: numberInRange(1, 86_400)({ default: VOLUE_DEFAULT_TOKEN_LIFETIME_SECONDS }),
    },
    env,
  );
  if (server.apiUrl && (!config.VOLUE_CLIENT_ID || !config.VOLUE_CLIENT_SECRET)) {
    throw new ConfigError(
      'VOLUE_CLIENT_ID and VOLUE_CLIENT_SECRET are required when VOLUE_API_URL is set (create them in the Spark Portal).',
    );
  }
  if (server.apiUrl && !config.VOLUE_WEBHOOK_SECRET) {
    throw new ConfigError(
      'VOLUE_WEBHOOK_SECRET is required when VOLUE_API_URL is set: it signs the webhooks this server creates and verifies their deliveries.',
    );
  }
  return {
    ...server,
    tokenUrl: config.VOLUE_TOKEN_URL,
    clientId: config.VOLUE_CLIENT_ID || VOLUE_SIMULATOR_CLIENT_ID,
    clientSecret: config.VOLUE_CLIENT_SECRET || VOLUE_SIMULATOR_CLIENT_SECRET,
    webhookSecret: config.VOLUE_WEBHOOK_SECRET || VOLUE_SIMULATOR_WEBHOOK_SECRET,
    webhookReceiverUrl: config.VOLUE_WEBHOOK_RECEIVER_URL || undefined,
    simulatorTokenLifetimeSeconds: config.VOLUE_SIM_TOKEN_LIFETIME_S,
    webhookRetentionMs: readWebhookRetentionMs(env),
  };
}

let schema: Promise<GraphQLSchema> | undefined;

/** Built once per process: the schema is the same for every server instance. */
export function buildVolueSchema(): Promise<GraphQLSchema> {
  schema ??= buildFederatedSchema<VolueContext>({
    resolvers: [
      VolueQueryResolver,
      VolueMutationResolver,
      VolueUserResolver,
      VolueMeterResolver,
      VolueMeteringPointResolver,
      MeteringPointRootResolver,
    ],
    referenceResolvers: { ...volueReferenceResolvers, MeteringPoint: resolveMeteringPointReference },
  });
  return schema;
}

/** Serves the subgraph against `config.apiUrl` (which must be set). */
export async function startVolueSubgraph(config: VolueConfig & { apiUrl: string }): Promise<RunningServer> {
  const store = createStore(config.store);
  const client = new VolueClient({
    store,
    baseUrl: config.apiUrl,
    tokenUrl: config.tokenUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    calls: config.calls,
  });
  const notifications = new VolueNotifications(store, config.webhookRetentionMs);
  // With port 0 the receiver's URL is known only once listening; `receiverUrl` is filled in then.
  const webhooks: VolueContext['webhooks'] = { secret: config.webhookSecret, receiverUrl: config.webhookReceiverUrl };
  const server = await startGraphQLServer<VolueContext>({
    name: 'volue',
    ...subgraphServerSettings(config),
    schema: await buildVolueSchema(),
    context: async () => ({ client, store, loaders: createVolueLoaders(client), notifications, webhooks }),
    routes: (app) => mountVolueWebhook(app, notifications, config.webhookSecret),
  });
  webhooks.receiverUrl ??= `${server.url}${VOLUE_WEBHOOK_PATH}`;
  return closingStore(server, store);
}

export const volueSubgraph: SubgraphModule = {
  name: 'volue',
  provider: 'VOLUE',
  defaultPort: VOLUE_SUBGRAPH_PORT,
  buildSchema: buildVolueSchema,
  async start(env) {
    const config = readVolueConfig(env);
    if (config.apiUrl) return { subgraph: await startVolueSubgraph({ ...config, apiUrl: config.apiUrl }) };
    const simulator = await startVolueSimulator({
      host: config.host,
      port: config.simulatorPort,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      tokenLifetimeSeconds: config.simulatorTokenLifetimeSeconds,
      faults: faultsFromEnv('VOLUE', env),
    });
    return startAgainstSimulator(simulator, ({ apiUrl, tokenUrl }) => startVolueSubgraph({ ...config, apiUrl, tokenUrl }));
  },
};

// `tsx subgraphs/volue/index.ts`: this subgraph alone.
await runAloneWhenMain(volueSubgraph, import.meta.url, '/energy-coordination/v1');
