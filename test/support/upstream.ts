import { readFileSync } from 'node:fs';
import { SUPERGRAPH_PATH, startGateway } from '../../gateway/index.js';
import type { RunningServer } from '../../shared/subgraph/server.js';
import type { Stack } from '../../scripts/stack.js';
import { startSubgraphProxy, type SubgraphProxy } from './subgraph-proxy.js';

/**
 * Counting what one query costs: the requests each provider's simulator served (from their stats), and
 * the GraphQL POSTs the gateway sent each subgraph (through a second gateway of the same code and
 * supergraph, whose subgraph URLs point at counting proxies; the product itself is not instrumented).
 */

/** Requests per simulator and route (`GET /v1/meters`), only routes that were called. */
export type UpstreamCalls = Record<string, Record<string, number>>;

/** Counts the simulators' requests from now on; `calls()` answers the difference so far. */
export function countUpstreamCalls(stack: Stack): { calls(): UpstreamCalls } {
  const names = Object.keys(stack.subgraphs);
  const counts = () =>
    Object.fromEntries(
      names.map((name) => [
        name,
        new Map(
          stack
            .simulator(name)
            .stats()
            .requests.map((r) => [`${r.method} ${r.path}`, r.count]),
        ),
      ]),
    );
  const before = counts();
  return {
    calls() {
      const after = counts();
      const result: UpstreamCalls = {};
      for (const name of names) {
        result[name] = {};
        for (const [route, count] of after[name]!) {
          const added = count - (before[name]!.get(route) ?? 0);
          if (added > 0) result[name]![route] = added;
        }
      }
      return result;
    },
  };
}

export interface SubgraphPost {
  /** The operation the gateway sent, as text. */
  query: string;
  /** Number of `representations` of an `_entities` fetch; null for a root fetch. */
  representations: number | null;
}

export interface CountingGateway {
  /** GraphQL endpoint of the counting gateway. */
  url: string;
  /** POSTs each subgraph received since the last `clear()`. */
  posts: Record<string, SubgraphPost[]>;
  clear(): void;
  stop(): Promise<void>;
}

/** A gateway over the stack's subgraphs whose every subgraph request passes a counting proxy. */
export async function startCountingGateway(stack: Stack): Promise<CountingGateway> {
  const posts: Record<string, SubgraphPost[]> = {};
  const proxies: SubgraphProxy[] = [];
  const subgraphUrls: Record<string, string> = {};
  for (const [name, started] of Object.entries(stack.subgraphs)) {
    posts[name] = [];
    const proxy = await startSubgraphProxy(`${started.subgraph.url}/graphql`, (body) => posts[name]!.push(describePost(body)));
    proxies.push(proxy);
    subgraphUrls[name] = proxy.url;
  }
  let gateway: RunningServer;
  try {
    gateway = await startGateway({
      host: '127.0.0.1',
      port: 0,
      supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
      subgraphUrls,
      subgraphSecret: stack.subgraphSecret,
    });
  } catch (error) {
    await Promise.all(proxies.map((proxy) => proxy.stop()));
    throw error;
  }
  return {
    url: `${gateway.url}/graphql`,
    posts,
    clear: () => Object.values(posts).forEach((list) => (list.length = 0)),
    async stop() {
      await gateway.stop();
      await Promise.all(proxies.map((proxy) => proxy.stop()));
    },
  };
}

function describePost(body: Buffer): SubgraphPost {
  try {
    const { query, variables } = JSON.parse(body.toString('utf8')) as { query: string; variables?: { representations?: unknown[] } };
    return { query, representations: Array.isArray(variables?.representations) ? variables.representations.length : null };
  } catch {
    return { query: '(not JSON)', representations: null };
  }
}
