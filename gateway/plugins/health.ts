import fetch from 'node-fetch';
import type { SubgraphEndpoint } from '../supergraph.js';
import type { GatewayPlugin } from './plugin.js';

/** GET /health: ready when every subgraph's own /health is, with each subgraph up or down. */
export function useHealth(subgraphs: SubgraphEndpoint[]): GatewayPlugin {
  return {
    health: async () => {
      const checks = await Promise.all(subgraphs.map(async ({ name, url }) => [name, await isHealthy(url)] as const));
      return { ok: checks.every(([, up]) => up), subgraphs: Object.fromEntries(checks.map(([name, up]) => [name, up ? 'up' : 'down'])) };
    },
  };
}

async function isHealthy(graphqlUrl: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/health', graphqlUrl), { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}
