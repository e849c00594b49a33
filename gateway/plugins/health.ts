import fetch from 'node-fetch';
import type { HealthReport } from '../../shared/subgraph/server.js';
import type { SubgraphEndpoint } from '../supergraph.js';
import type { GatewayPlugin } from './plugin.js';

/**
 * GET /health/ready (and /health): the gateway serves once its supergraph is loaded (it does not start
 * without one; it has no store of its own). Each subgraph is asked for its own readiness and reported up
 * or down. One subgraph down does not take the gateway out of rotation — the rest of every answer still
 * arrives, that subgraph's fields null — so the gateway is `degraded` (HTTP 200) while at least one
 * subgraph is up, and `failing` (503) only when none is: then no query can be answered, and another
 * gateway replica may be better placed.
 */
export function useHealth(subgraphs: SubgraphEndpoint[]): GatewayPlugin {
  return {
    health: async (): Promise<HealthReport> => {
      const checks = await Promise.all(subgraphs.map(async ({ name, url }) => [name, await isReady(url)] as const));
      const up = checks.filter(([, ready]) => ready).length;
      return {
        status: up === checks.length ? 'ok' : up > 0 ? 'degraded' : 'failing',
        supergraph: 'loaded',
        subgraphs: Object.fromEntries(checks.map(([name, ready]) => [name, ready ? 'up' : 'down'])),
      };
    },
  };
}

async function isReady(graphqlUrl: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/health/ready', graphqlUrl), { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}
