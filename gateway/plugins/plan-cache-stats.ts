import type { QueryPlan, QueryPlanCache } from '@apollo/query-planner';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { GatewayPlugin } from './plugin.js';

export interface QueryPlanCacheStats {
  /** Requests whose plan came from the cache. */
  hits: number;
  /** Requests that had to plan (first sight of an operation, or evicted). */
  misses: number;
}

/**
 * The gateway's query-plan cache (keyed by @apollo/gateway on the operation's hash and name, so
 * variables do not matter), counting hits so a test can prove that a repeated operation is not planned
 * again. 0 MiB stores nothing.
 */
export function usePlanCacheStats(maxMiB: number): GatewayPlugin & { stats: QueryPlanCacheStats } {
  const cache = new CountingQueryPlanCache(maxMiB);
  return { queryPlanCache: cache, stats: cache.stats };
}

class CountingQueryPlanCache implements QueryPlanCache {
  readonly stats: QueryPlanCacheStats = { hits: 0, misses: 0 };
  private readonly plans: InMemoryLRUCache<QueryPlan> | undefined;

  constructor(maxMiB: number) {
    this.plans =
      maxMiB > 0
        ? new InMemoryLRUCache<QueryPlan>({ maxSize: maxMiB * 2 ** 20, sizeCalculation: (plan) => JSON.stringify(plan).length })
        : undefined;
  }

  async get(key: string): Promise<QueryPlan | undefined> {
    const plan = await this.plans?.get(key);
    if (plan) this.stats.hits += 1;
    else this.stats.misses += 1;
    return plan;
  }

  async set(key: string, plan: QueryPlan): Promise<void> {
    await this.plans?.set(key, plan);
  }

  async delete(key: string): Promise<boolean | void> {
    return this.plans?.delete(key);
  }

  /** Called by the gateway when the supergraph changes. */
  clear(): void {
    this.plans?.clear();
  }
}
