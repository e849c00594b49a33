import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { ConfigError, numberInRange, optionalUrl, readConfig, str } from '../../shared/subgraph/config.js';
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
import { UmeterClient } from './client.js';
import { umeterReadings } from './readings.js';
import { TimeSeriesReader } from '../../shared/time/index.js';
import { createUmeterLoaders } from './loaders.js';
import {
  UmeterAddressResolver,
  UmeterConnectionResolver,
  UmeterCustomerResolver,
  UmeterMeteringPointResolver,
  UmeterQueryResolver,
  umeterReferenceResolvers,
  type UmeterContext,
} from './resolvers.js';
import { UMETER_SIMULATOR_PASSWORD, UMETER_SIMULATOR_USERNAME, startUmeterSimulator } from './simulator.js';

/** The UMeter subgraph: configuration, schema, and its server. Runnable on its own (see the bottom). */

const UMETER_SUBGRAPH_PORT = 4003;
/** The real hosts (CONTRACT.md); used with UMETER_API_URL unless their own variables say otherwise. */
const UMETER_AUTH_HOST = 'https://auth.umeter.nl';
const UMETER_MEASUREMENTS_HOST = 'https://meas.meterdata.io';

export interface UmeterConfig extends ProviderServerConfig {
  authUrl: string | undefined;
  measurementsUrl: string | undefined;
  username: string;
  password: string;
  /** Lifetime of the simulator's tokens, in seconds. */
  simulatorTokenLifetimeSeconds: number;
}

export function readUmeterConfig(env: NodeJS.ProcessEnv): UmeterConfig {
  const server = readProviderServerConfig('UMETER', { subgraphPort: UMETER_SUBGRAPH_PORT, simulatorPort: 4103 }, env);
  const config = readConfig(
    {
      UMETER_AUTH_URL: optionalUrl({ default: '' }),
      UMETER_MEASUREMENTS_URL: optionalUrl({ default: '' }),
      UMETER_USERNAME: str({ default: '' }),
      UMETER_PASSWORD: str({ default: '' }),
      UMETER_SIM_TOKEN_LIFETIME_S: numberInRange(1, 86_400)({ default: 3600 }),
    },
    env,
  );
  if (server.apiUrl && (!config.UMETER_USERNAME || !config.UMETER_PASSWORD)) {
    throw new ConfigError(
      'UMETER_USERNAME and UMETER_PASSWORD are required when UMETER_API_URL is set (the UMeter account’s email and password).',
    );
  }
  return {
    ...server,
    authUrl: config.UMETER_AUTH_URL || undefined,
    measurementsUrl: config.UMETER_MEASUREMENTS_URL || undefined,
    username: config.UMETER_USERNAME || UMETER_SIMULATOR_USERNAME,
    password: config.UMETER_PASSWORD || UMETER_SIMULATOR_PASSWORD,
    simulatorTokenLifetimeSeconds: config.UMETER_SIM_TOKEN_LIFETIME_S,
  };
}

let schema: Promise<GraphQLSchema> | undefined;

/** Built once per process: the schema is the same for every server instance. */
export function buildUmeterSchema(): Promise<GraphQLSchema> {
  schema ??= buildFederatedSchema<UmeterContext>({
    resolvers: [
      UmeterQueryResolver,
      UmeterCustomerResolver,
      UmeterAddressResolver,
      UmeterConnectionResolver,
      UmeterMeteringPointResolver,
      MeteringPointRootResolver,
    ],
    referenceResolvers: { ...umeterReferenceResolvers, MeteringPoint: resolveMeteringPointReference },
  });
  return schema;
}

/** Serves the subgraph against the app host `config.apiUrl` and the auth and measurement hosts. */
export async function startUmeterSubgraph(
  config: UmeterConfig & { apiUrl: string; authUrl: string; measurementsUrl: string },
  { now = Date.now }: StartOptions = {},
): Promise<RunningServer> {
  const store = createStore(config.store);
  const client = new UmeterClient({
    store,
    authUrl: config.authUrl,
    appUrl: config.apiUrl,
    measurementsUrl: config.measurementsUrl,
    username: config.username,
    password: config.password,
    calls: config.calls,
  });
  const source = umeterReadings(client);
  return closingStore(
    await startGraphQLServer<UmeterContext>({
      name: 'umeter',
      ...subgraphServerSettings(config),
      schema: await buildUmeterSchema(),
      context: async () => ({ client, store, loaders: createUmeterLoaders(client), readings: new TimeSeriesReader(source, now) }),
    }),
    store,
  );
}

export const umeterSubgraph: SubgraphModule = {
  name: 'umeter',
  provider: 'UMETER',
  defaultPort: UMETER_SUBGRAPH_PORT,
  buildSchema: buildUmeterSchema,
  async start(env, options = {}) {
    const config = readUmeterConfig(env);
    if (config.apiUrl) {
      const subgraph = await startUmeterSubgraph(
        {
          ...config,
          apiUrl: config.apiUrl,
          authUrl: config.authUrl ?? UMETER_AUTH_HOST,
          measurementsUrl: config.measurementsUrl ?? UMETER_MEASUREMENTS_HOST,
        },
        options,
      );
      return { subgraph };
    }
    const simulator = await startUmeterSimulator({
      now: options.now && (() => new Date(options.now!())),
      host: config.host,
      port: config.simulatorPort,
      username: config.username,
      password: config.password,
      tokenLifetimeSeconds: config.simulatorTokenLifetimeSeconds,
      faults: faultsFromEnv('UMETER', env),
    });
    // The simulator serves all three hosts.
    return startAgainstSimulator(simulator, ({ url }) =>
      startUmeterSubgraph({ ...config, apiUrl: url, authUrl: url, measurementsUrl: url }, options),
    );
  },
};

// `tsx subgraphs/umeter/index.ts`: this subgraph alone.
await runAloneWhenMain(umeterSubgraph, import.meta.url);
