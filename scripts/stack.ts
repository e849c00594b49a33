import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUPERGRAPH_PATH, readGatewayConfig, startGateway, type RunningGateway } from '../gateway/index.js';
import type { RunningServer } from '../shared/subgraph/server.js';
import type { RunningSimulator } from '../shared/simulator/server.js';
import type { StartOptions } from '../shared/subgraph/module.js';
import { SUBGRAPH_SECRET_SETTING, newSubgraphSecret } from '../shared/subgraph/gateway-secret.js';
import { settingPrefix, startProvider, type StartedSubgraph } from '../shared/subgraph/provider.js';
import { COMPOSITES, PROVIDERS } from '../subgraphs/registry.js';

/**
 * The whole product in one process: for every provider in subgraphs/registry.ts its simulator (unless
 * its API URL is set) and its subgraph, then the composite subgraphs that ask them, then the gateway
 * serving supergraph.graphql. `npm start`, the
 * tests and the benchmark all start it here; only the environment differs.
 */
export interface Stack {
  gateway: RunningGateway;
  /** The gateway's GraphQL endpoint. */
  gatewayUrl: string;
  subgraphs: Record<string, StartedSubgraph>;
  /** The composite subgraphs (subgraphs/registry.ts COMPOSITES), which ask the providers' subgraphs. */
  composites: Record<string, RunningServer>;
  /**
   * The secret the gateway sends its subgraphs (GRIDGRAPH_SUBGRAPH_SECRET): the configured one, else one
   * made for this run, so that a stack's subgraphs answer only its gateway. A test that calls a subgraph
   * itself sends it in SUBGRAPH_SECRET_HEADER.
   */
  subgraphSecret: string;
  /** The simulator of a provider; throws when that provider runs against its real API. */
  simulator<T extends RunningSimulator = RunningSimulator>(name: string): T;
  /**
   * Stops a subgraph and starts it again on the same port with the same settings and store, as a
   * restarted process would be. Only for a subgraph with a configured `<PROVIDER>_API_URL`: one that
   * runs its own simulator would get a fresh simulator too.
   */
  restartSubgraph(name: string): Promise<StartedSubgraph>;
  stop(): Promise<void>;
}

export async function startStack(
  given: NodeJS.ProcessEnv,
  onStarted: (server: RunningServer, role: string) => void = () => {},
  options: StartOptions = {},
): Promise<Stack> {
  const subgraphSecret = given[SUBGRAPH_SECRET_SETTING] || newSubgraphSecret();
  const env = { ...given, [SUBGRAPH_SECRET_SETTING]: subgraphSecret };
  const running: RunningServer[] = [];
  const subgraphs: Record<string, StartedSubgraph> = {};
  const composites: Record<string, RunningServer> = {};
  try {
    for (const provider of PROVIDERS) {
      const started = await startProvider(provider, env, options);
      subgraphs[provider.name] = started;
      for (const [server, role] of [
        [started.simulator, 'simulator'],
        [started.subgraph, 'subgraph'],
        [started.webhooks, 'webhooks'],
      ] as const) {
        if (!server) continue;
        running.push(server);
        onStarted(server, role);
      }
    }
    // The composites ask the provider subgraphs started above, wherever they listen.
    const providerUrls = Object.fromEntries(
      Object.entries(subgraphs).map(([name, s]) => [`${name.toUpperCase()}_SUBGRAPH_URL`, `${s.subgraph.url}/graphql`]),
    );
    for (const composite of COMPOSITES) {
      const server = await composite.start({ ...env, ...providerUrls }, options);
      composites[composite.name] = server;
      running.push(server);
      onStarted(server, 'subgraph');
    }
    const gateway = await startGateway({
      ...readGatewayConfig(env),
      supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
      subgraphUrls: Object.fromEntries(
        [...Object.entries(subgraphs).map(([name, s]) => [name, s.subgraph] as const), ...Object.entries(composites)].map(
          ([name, server]) => [name, `${server.url}/graphql`],
        ),
      ),
    });
    running.push(gateway);
    onStarted(gateway, 'gateway');
    return {
      gateway,
      gatewayUrl: `${gateway.url}/graphql`,
      subgraphs,
      composites,
      subgraphSecret,
      simulator<T extends RunningSimulator>(name: string) {
        const simulator = subgraphs[name]?.simulator;
        if (!simulator) throw new Error(`no simulator runs for ${name}: its API URL is configured`);
        return simulator as T;
      },
      async restartSubgraph(name) {
        const provider = PROVIDERS.find((candidate) => candidate.name === name);
        const old = subgraphs[name];
        if (!provider || !old) throw new Error(`no subgraph ${name} in this stack`);
        const prefix = settingPrefix(provider);
        if (old.simulator) throw new Error(`${name} runs its own simulator, which a restart would replace; set ${prefix}_API_URL`);
        await old.subgraph.stop();
        const samePorts = {
          [`${prefix}_SUBGRAPH_PORT`]: String(old.subgraph.port),
          ...(old.webhooks && { [`${prefix}_WEBHOOK_PORT`]: String(old.webhooks.port) }),
        };
        const started = await startProvider(provider, { ...env, ...samePorts }, options);
        running.splice(running.indexOf(old.subgraph), 1, started.subgraph);
        if (old.webhooks && started.webhooks) running.splice(running.indexOf(old.webhooks), 1, started.webhooks);
        subgraphs[name] = started;
        return started;
      },
      stop: () => stopAll(running),
    };
  } catch (error) {
    await stopAll(running);
    throw error;
  }
}

/**
 * A stack that leaves nothing behind (tests, benchmarks): every server on a free port unless `env` says
 * otherwise, and the state in a fresh temporary DATA_DIR that stop() deletes.
 */
export async function startThrowawayStack(env: NodeJS.ProcessEnv, options: StartOptions = {}): Promise<Stack & { dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gridgraph-data-'));
  const removeDataDir = () => rm(dataDir, { recursive: true, force: true });
  try {
    const stack = await startStack({ DATA_DIR: dataDir, ...ephemeralPorts(), ...env }, undefined, options);
    const stopServers = stack.stop;
    return Object.assign(stack, { dataDir, stop: () => stopServers().finally(removeDataDir) });
  } catch (error) {
    await removeDataDir();
    throw error;
  }
}

/** Settings that put every server of the stack on a free port (tests, benchmarks). */
export function ephemeralPorts(): Record<string, string> {
  const ports: Record<string, string> = { GATEWAY_PORT: '0' };
  for (const composite of COMPOSITES) ports[`${composite.name.toUpperCase()}_SUBGRAPH_PORT`] = '0';
  for (const provider of PROVIDERS) {
    ports[`${settingPrefix(provider)}_SUBGRAPH_PORT`] = '0';
    ports[`${settingPrefix(provider)}_SIMULATOR_PORT`] = '0';
    if (provider.ports.webhook !== undefined) ports[`${settingPrefix(provider)}_WEBHOOK_PORT`] = '0';
  }
  return ports;
}

async function stopAll(servers: RunningServer[]): Promise<void> {
  for (const server of [...servers].reverse()) await server.stop();
}
