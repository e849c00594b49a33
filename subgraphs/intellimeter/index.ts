import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { IANAZone } from 'luxon';
import { ConfigError, readConfig, str } from '../../shared/subgraph/config.js';
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
import { IntellimeterClient } from './client.js';
import { intellimeterReadings } from './readings.js';
import { TimeSeriesReader } from '../../shared/time/index.js';
import { createIntellimeterLoaders } from './loaders.js';
import {
  IntellimeterAccountResolver,
  IntellimeterMeteringPointResolver,
  IntellimeterMutationResolver,
  IntellimeterPointResolver,
  IntellimeterQueryResolver,
  intellimeterReferenceResolvers,
  type IntellimeterContext,
} from './resolvers.js';
import { INTELLIMETER_DEFAULT_TIME_ZONE, INTELLIMETER_SIMULATOR_API_KEY, startIntellimeterSimulator } from './simulator.js';
import { FILE_TYPES, RESPONSE_TYPES, type FileType, type ResponseType } from './wire.js';

/** The Intellimeter subgraph: configuration, schema, and its server. Runnable on its own (see the bottom). */

const INTELLIMETER_SUBGRAPH_PORT = 4005;

export interface IntellimeterConfig extends ProviderServerConfig {
  apiKey: string;
  /** The site's IANA zone: Intellimeter's timestamps carry none. */
  timeZone: string;
  responseType: ResponseType;
  fileType: FileType;
}

export function readIntellimeterConfig(env: NodeJS.ProcessEnv): IntellimeterConfig {
  const server = readProviderServerConfig('INTELLIMETER', { subgraphPort: INTELLIMETER_SUBGRAPH_PORT, simulatorPort: 4105 }, env);
  const config = readConfig(
    {
      INTELLIMETER_API_KEY: str({ default: '' }),
      INTELLIMETER_TIME_ZONE: str({ default: INTELLIMETER_DEFAULT_TIME_ZONE }),
      // Only the formats Intellimeter knows: an unknown responseType would be executed and then refused.
      INTELLIMETER_RESPONSE_TYPE: str({ choices: [...RESPONSE_TYPES], default: 'json' }),
      INTELLIMETER_FILE_TYPE: str({ choices: [...FILE_TYPES], default: 'json' }),
    },
    env,
  );
  if (server.apiUrl && !config.INTELLIMETER_API_KEY) {
    throw new ConfigError('INTELLIMETER_API_KEY is required when INTELLIMETER_API_URL is set (generate one with Intellimeter’s /key).');
  }
  if (!IANAZone.isValidZone(config.INTELLIMETER_TIME_ZONE)) {
    throw new ConfigError(
      `INTELLIMETER_TIME_ZONE must be an IANA time zone such as America/Toronto (got "${config.INTELLIMETER_TIME_ZONE}").`,
    );
  }
  return {
    ...server,
    apiKey: config.INTELLIMETER_API_KEY || INTELLIMETER_SIMULATOR_API_KEY,
    timeZone: config.INTELLIMETER_TIME_ZONE,
    responseType: config.INTELLIMETER_RESPONSE_TYPE as ResponseType,
    fileType: config.INTELLIMETER_FILE_TYPE as FileType,
  };
}

let schema: Promise<GraphQLSchema> | undefined;

/** Built once per process: the schema is the same for every server instance. */
export function buildIntellimeterSchema(): Promise<GraphQLSchema> {
  schema ??= buildFederatedSchema<IntellimeterContext>({
    resolvers: [
      IntellimeterQueryResolver,
      IntellimeterMutationResolver,
      IntellimeterAccountResolver,
      IntellimeterPointResolver,
      IntellimeterMeteringPointResolver,
      MeteringPointRootResolver,
    ],
    referenceResolvers: { ...intellimeterReferenceResolvers, MeteringPoint: resolveMeteringPointReference },
  });
  return schema;
}

/** Serves the subgraph against `config.apiUrl` (which must be set). One client per process: it holds the session. */
export async function startIntellimeterSubgraph(
  config: IntellimeterConfig & { apiUrl: string },
  { now = Date.now }: StartOptions = {},
): Promise<RunningServer> {
  const store = createStore(config.store);
  const client = new IntellimeterClient({
    store,
    baseUrl: config.apiUrl,
    apiKey: config.apiKey,
    timeZone: config.timeZone,
    responseType: config.responseType,
    fileType: config.fileType,
    now,
    calls: config.calls,
  });
  const source = intellimeterReadings(client, config.timeZone);
  return closingStore(
    await startGraphQLServer<IntellimeterContext>({
      name: 'intellimeter',
      ...subgraphServerSettings(config),
      schema: await buildIntellimeterSchema(),
      context: async () => ({ client, store, loaders: createIntellimeterLoaders(client), readings: new TimeSeriesReader(source, now) }),
    }),
    store,
  );
}

export const intellimeterSubgraph: SubgraphModule = {
  name: 'intellimeter',
  provider: 'INTELLIMETER',
  defaultPort: INTELLIMETER_SUBGRAPH_PORT,
  buildSchema: buildIntellimeterSchema,
  async start(env, options = {}) {
    const config = readIntellimeterConfig(env);
    if (config.apiUrl) return { subgraph: await startIntellimeterSubgraph({ ...config, apiUrl: config.apiUrl }, options) };
    const simulator = await startIntellimeterSimulator({
      now: options.now && (() => new Date(options.now!())),
      host: config.host,
      port: config.simulatorPort,
      apiKey: config.apiKey,
      timeZone: config.timeZone,
      faults: faultsFromEnv('INTELLIMETER', env),
    });
    return startAgainstSimulator(simulator, ({ url }) => startIntellimeterSubgraph({ ...config, apiUrl: url }, options));
  },
};

// `tsx subgraphs/intellimeter/index.ts`: this subgraph alone.
await runAloneWhenMain(intellimeterSubgraph, import.meta.url);
