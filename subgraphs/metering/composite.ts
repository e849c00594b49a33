import 'reflect-metadata';
import { ConfigError, optionalUrl, readConfig, str } from '../../shared/subgraph/config.js';
import { subgraphUrlSetting, urlHost } from '../../shared/subgraph/addresses.js';
import {
  defineComposite,
  readCompositeServerConfig,
  startCompositeServer,
  type CompositeDescriptor,
} from '../../shared/subgraph/composite.js';
import { buildFederatedSchema } from '../../shared/subgraph/federation.js';
import { MeteringPointRootResolver, resolveMeteringPointReference } from '../../shared/graph/metering-point.js';
import { PROVIDER_NAMES, type ProviderName } from '../../shared/graph/provider-names.js';
import type { GraphQLSchema } from 'graphql';
import { PartialErrors, partialErrorsPlugin } from './partial-errors.js';
import { MeteringPointMergeResolver, PortfolioResolver, type MeteringContext } from './resolvers.js';
import { METERING_SOURCES } from './sources.js';
import { ProviderSubgraphs } from './upstream.js';

const DEFAULT_PRIORITY = METERING_SOURCES.map(({ provider }) => provider).join(',');

const settings = {
  METERING_PROVIDER_PRIORITY: str({
    default: DEFAULT_PRIORITY,
    desc: 'Comma-separated providers, most trusted first: who wins a tie of equal quality in a merged series when the query names no sources',
  }),
};

/** Where the provider subgraphs are: the gateway's settings of the same name (listed with the gateway's in .env.example). */
const urlSettings = Object.fromEntries(
  METERING_SOURCES.map(({ subgraph }) => [
    subgraphUrlSetting(subgraph),
    optionalUrl({ default: '', desc: `The ${subgraph} subgraph's GraphQL endpoint` }),
  ]),
);

let schema: Promise<GraphQLSchema> | undefined;

/**
 * The metering composite (DESIGN.md, "Answers across providers"): merged fields on MeteringPoint, made
 * from the provider subgraphs' answers, which it asks over HTTP. It imports no provider's code.
 */
export const metering: CompositeDescriptor = defineComposite({
  name: 'metering',
  label: 'Metering',
  ports: { subgraph: 4006 },
  settings,
  schema: () =>
    (schema ??= buildFederatedSchema({
      resolvers: [MeteringPointRootResolver, MeteringPointMergeResolver, PortfolioResolver],
      referenceResolvers: { MeteringPoint: resolveMeteringPointReference },
    })),
  async start(env, options = {}) {
    const config = readConfig({ ...settings, ...urlSettings }, env) as unknown as Record<string, string>;
    const priority = readPriority(config.METERING_PROVIDER_PRIORITY!);
    const server = readCompositeServerConfig(metering, env);
    const host = urlHost(server.HOST);
    const urls = Object.fromEntries(
      METERING_SOURCES.map(({ subgraph, port }) => [subgraph, config[subgraphUrlSetting(subgraph)] || `http://${host}:${port}/graphql`]),
    );
    // The same secret and request timeout its own server checks and keeps.
    const subgraphs = new ProviderSubgraphs(METERING_SOURCES, urls, {
      secret: server.GRIDGRAPH_SUBGRAPH_SECRET,
      timeoutMs: server.SUBGRAPH_REQUEST_TIMEOUT_MS,
    });
    const now = options.now ?? Date.now;
    return startCompositeServer<MeteringContext>({
      descriptor: metering,
      env,
      config: server,
      schema: await metering.schema(),
      context: () => ({ parts: subgraphs.forRequest(), sources: METERING_SOURCES, priority, now, partialErrors: new PartialErrors() }),
      plugins: [partialErrorsPlugin<MeteringContext>()],
      health: () => subgraphs.health(),
    });
  },
});

/** METERING_PROVIDER_PRIORITY, checked: providers with readings, each once. */
function readPriority(text: string): ProviderName[] {
  const named = text
    .split(',')
    .map((entry) => entry.trim().toUpperCase())
    .filter(Boolean);
  const able = METERING_SOURCES.map(({ provider }) => provider as string);
  const wrong = named.filter((name) => !able.includes(name) || !(PROVIDER_NAMES as readonly string[]).includes(name));
  if (wrong.length > 0 || new Set(named).size !== named.length) {
    throw new ConfigError(
      `Invalid configuration:\n  METERING_PROVIDER_PRIORITY must name providers with readings (${able.join(', ')}), each at most once; got "${text}"`,
    );
  }
  return named as ProviderName[];
}
