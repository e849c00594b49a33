import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { ValidatorSpec } from 'envalid';
import type { GraphQLSchema } from 'graphql';
import { pathToFileURL } from 'node:url';
import { createLogger } from '../observability/logger.js';
import { port, readConfig } from './config.js';
import { SUBGRAPH_SECRET_SETTING } from './gateway-secret.js';
import { readInputBounds } from './input-bounds.js';
import { SERVER_SETTINGS, type StartOptions } from './module.js';
import { limitValidationRules, queryLimitsFrom, readingsCap, tokenLimit } from './query-limits.js';
import { startGraphQLServer, stopOnSignals, type HealthReport, type RunningServer } from './server.js';

/**
 * A composite subgraph (DESIGN.md, "Answers across providers"): a subgraph that owns no provider's data,
 * only answers made from the provider subgraphs', which it asks over HTTP like the gateway does. It has
 * no simulator, no provider credentials and no webhooks; subgraphs/registry.ts lists it apart from the
 * providers, so the scaffold, the provider lists and the simulators never see it, while compose,
 * start-all and the generated settings do.
 */
export interface CompositeDescriptor {
  /** The subgraph's name in the supergraph, its folder under subgraphs/ and (upper-cased) its setting prefix. */
  name: string;
  label: string;
  ports: { subgraph: number };
  /** Its own settings beyond every server's (SERVER_SETTINGS), each with its default and description. */
  settings: Record<string, ValidatorSpec<unknown>>;
  /** Its federated schema (no I/O). */
  schema(): Promise<GraphQLSchema>;
  /**
   * Starts it from the environment; `subgraphUrls` says where the provider subgraphs it asks listen
   * (start-all's; otherwise each `<NAME>_SUBGRAPH_URL`, else the provider's default port on HOST).
   */
  start(env: NodeJS.ProcessEnv, options?: StartOptions): Promise<RunningServer>;
}

/** Declares a composite (typed, as defineProvider declares a provider). */
export function defineComposite(descriptor: CompositeDescriptor): CompositeDescriptor {
  return descriptor;
}

/** The settings every composite has: every server's, and its port. */
export function compositeServerSettings(prefix: string, subgraphPort: number) {
  return {
    ...SERVER_SETTINGS,
    [`${prefix}_SUBGRAPH_PORT`]: port({ default: subgraphPort, desc: 'Port of the subgraph' }),
  };
}

/** Every server's settings as a composite reads them (HOST, the subgraph secret, the request timeout…), and its port. */
export type CompositeServerConfig = ReturnType<typeof readConfig<typeof SERVER_SETTINGS>> & Record<string, unknown>;

export function readCompositeServerConfig(
  descriptor: Pick<CompositeDescriptor, 'name' | 'ports'>,
  env: NodeJS.ProcessEnv,
): CompositeServerConfig {
  return readConfig(compositeServerSettings(descriptor.name.toUpperCase(), descriptor.ports.subgraph), env) as CompositeServerConfig;
}

export interface CompositeServerOptions<Context extends BaseContext> {
  descriptor: Pick<CompositeDescriptor, 'name' | 'ports'>;
  env: NodeJS.ProcessEnv;
  /** readCompositeServerConfig's, which the composite also reads its upstream calls' secret and timeout from. */
  config: CompositeServerConfig;
  schema: GraphQLSchema;
  context: () => Context;
  plugins?: ApolloServerPlugin<Context>[];
  /** GET /health/ready's check: a composite is only as ready as the subgraphs it asks. */
  health: () => Promise<HealthReport>;
}

/** The composite's GraphQL server, with the doors and limits of every subgraph (a provider's too). */
export function startCompositeServer<Context extends BaseContext>(options: CompositeServerOptions<Context>): Promise<RunningServer> {
  const { descriptor, env, config } = options;
  const prefix = descriptor.name.toUpperCase();
  const limits = queryLimitsFrom('SUBGRAPH', config);
  if (!config.GRIDGRAPH_SUBGRAPH_SECRET) {
    createLogger(descriptor.name).warn(
      `${SUBGRAPH_SECRET_SETTING} is not set: this subgraph answers GraphQL from anyone who reaches its port, not only the gateway`,
    );
  }
  return startGraphQLServer({
    name: descriptor.name,
    host: config.HOST,
    port: config[`${prefix}_SUBGRAPH_PORT`] as number,
    keepAliveTimeoutMs: config.KEEP_ALIVE_TIMEOUT_MS,
    requestTimeoutMs: config.SUBGRAPH_REQUEST_TIMEOUT_MS,
    callerTimeoutHeader: true,
    inputBounds: readInputBounds(env),
    schema: options.schema,
    context: async () => options.context(),
    health: options.health,
    callerSecret: config.GRIDGRAPH_SUBGRAPH_SECRET,
    validationRules: limitValidationRules(limits),
    beforeGraphQL: [tokenLimit(limits)],
    plugins: [readingsCap(limits) as ApolloServerPlugin<Context>, ...(options.plugins ?? [])],
  });
}

/** `subgraphs/<name>/index.ts` of a composite, run as a program: serves it alone until Ctrl-C. */
export async function runCompositeAloneWhenMain(descriptor: CompositeDescriptor, moduleUrl: string): Promise<void> {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const server = await descriptor.start(process.env);
  console.log(`${descriptor.label} subgraph   ${server.url}/graphql`);
  stopOnSignals(() => [server]);
}
