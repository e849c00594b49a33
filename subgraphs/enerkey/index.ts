import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { ConfigError, numberInRange, readConfig, str } from '../../shared/subgraph/config.js';
import { buildFederatedSchema } from '../../shared/subgraph/federation.js';
import { MeteringPointRootResolver, resolveMeteringPointReference } from '../../shared/graph/index.js';
import { startGraphQLServer, type RunningServer } from '../../shared/subgraph/server.js';
import { faultsFromEnv } from '../../shared/simulator/index.js';
import { createStore } from '../../shared/store/index.js';
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
import { EnerkeyClient } from './client.js';
import { ENERKEY_DAILY_LIMIT } from './contract.js';
import { enerkeyReadings } from './readings.js';
import { TimeSeriesReader } from '../../shared/time/index.js';
import { createEnerkeyLoaders } from './loaders.js';
import {
  EnerkeyActionResolver,
  EnerkeyFacilityResolver,
  EnerkeyMeteringPointResolver,
  EnerkeyMeterResolver,
  EnerkeyMutationResolver,
  EnerkeyQueryResolver,
  enerkeyReferenceResolvers,
  type EnerkeyContext,
} from './resolvers.js';
import { ENERKEY_SIMULATOR_KEYS, startEnerkeySimulator } from './simulator.js';

/** The EnerKey subgraph: configuration, schema, and its server. Runnable on its own (see the bottom). */

const ENERKEY_SUBGRAPH_PORT = 4004;

export interface EnerkeyConfig extends ProviderServerConfig {
  /** The profile's key and, when configured, its second key to rotate to. */
  apiKeys: string[];
  /** Requests per key per 24 h the simulator allows (used only while ENERKEY_API_URL is unset). */
  simulatorDailyLimit: number;
}

export function readEnerkeyConfig(env: NodeJS.ProcessEnv): EnerkeyConfig {
  const server = readProviderServerConfig('ENERKEY', { subgraphPort: ENERKEY_SUBGRAPH_PORT, simulatorPort: 4104 }, env);
  const { ENERKEY_API_KEY, ENERKEY_API_KEY_SECONDARY, ENERKEY_SIM_DAILY_LIMIT } = readConfig(
    {
      ENERKEY_API_KEY: str({ default: '' }),
      ENERKEY_API_KEY_SECONDARY: str({ default: '' }),
      ENERKEY_SIM_DAILY_LIMIT: numberInRange(1, 10_000_000)({ default: ENERKEY_DAILY_LIMIT }),
    },
    env,
  );
  if (server.apiUrl && !ENERKEY_API_KEY) {
    throw new ConfigError(
      'ENERKEY_API_KEY is required when ENERKEY_API_URL is set (the API key EnerKey’s service desk gave your profile).',
    );
  }
  const apiKeys = server.apiUrl
    ? [ENERKEY_API_KEY, ENERKEY_API_KEY_SECONDARY].filter(Boolean)
    : [ENERKEY_API_KEY || ENERKEY_SIMULATOR_KEYS.primary, ENERKEY_API_KEY_SECONDARY || ENERKEY_SIMULATOR_KEYS.secondary];
  return { ...server, apiKeys, simulatorDailyLimit: Math.floor(ENERKEY_SIM_DAILY_LIMIT) };
}

let schema: Promise<GraphQLSchema> | undefined;

/** Built once per process: the schema is the same for every server instance. */
export function buildEnerkeySchema(): Promise<GraphQLSchema> {
  schema ??= buildFederatedSchema<EnerkeyContext>({
    resolvers: [
      EnerkeyQueryResolver,
      EnerkeyMutationResolver,
      EnerkeyFacilityResolver,
      EnerkeyMeterResolver,
      EnerkeyActionResolver,
      EnerkeyMeteringPointResolver,
      MeteringPointRootResolver,
    ],
    referenceResolvers: { ...enerkeyReferenceResolvers, MeteringPoint: resolveMeteringPointReference },
  });
  return schema;
}

/** Serves the subgraph against `config.apiUrl` (which must be set). */
export async function startEnerkeySubgraph(
  config: EnerkeyConfig & { apiUrl: string },
  { now = Date.now }: StartOptions = {},
): Promise<RunningServer> {
  const store = createStore(config.store);
  // One client per process: the key ring's budget is the process's view of the keys' daily budgets.
  const client = new EnerkeyClient({
    store,
    baseUrl: config.apiUrl,
    apiKeys: config.apiKeys,
    calls: config.calls,
  });
  const source = enerkeyReadings(client);
  return closingStore(
    await startGraphQLServer<EnerkeyContext>({
      name: 'enerkey',
      ...subgraphServerSettings(config),
      schema: await buildEnerkeySchema(),
      context: async () => ({ client, store, loaders: createEnerkeyLoaders(client), readings: new TimeSeriesReader(source, now) }),
    }),
    store,
  );
}

export const enerkeySubgraph: SubgraphModule = {
  name: 'enerkey',
  provider: 'ENERKEY',
  defaultPort: ENERKEY_SUBGRAPH_PORT,
  buildSchema: buildEnerkeySchema,
  async start(env, options = {}) {
    const config = readEnerkeyConfig(env);
    if (config.apiUrl) return { subgraph: await startEnerkeySubgraph({ ...config, apiUrl: config.apiUrl }, options) };
    const simulator = await startEnerkeySimulator({
      now: options.now && (() => new Date(options.now!())),
      host: config.host,
      port: config.simulatorPort,
      dailyLimit: config.simulatorDailyLimit,
      faults: faultsFromEnv('ENERKEY', env),
    });
    return startAgainstSimulator(simulator, ({ url }) => startEnerkeySubgraph({ ...config, apiUrl: url }, options));
  },
};

// `tsx subgraphs/enerkey/index.ts`: this subgraph alone.
await runAloneWhenMain(enerkeySubgraph, import.meta.url);
