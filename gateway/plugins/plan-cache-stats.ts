import type { QueryPlan, QueryPlanCache } from '@apollo/query-planner';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { GatewayPlugin } from './plugin.js';

export interface QueryPlanCacheStats {
  /** Requests whose plan came from the cache. */
  hits: number;
  /** Requests that had to plan (first sight of an operation, or evicted). */
  misses: number;
  /** Of the misses, the plans made on the planner's own thread (plugins/query-planning.ts). */
  plannedOffThread: number;
  /** Times the planner thread was started: at the first plan, and again after each idle stop. */
  plannerThreadStarts: number;
}

/**
 * The gateway's query-plan cache (keyed by @apollo/gateway on the operation's hash and name, so
 * variables do not matter), counting hits so a test can prove that a repeated operation is not planned
 * again. 0 MiB stores nothing.
 */
export function usePlanCacheStats(maxMiB: number): GatewayPlugin & { stats: QueryPlanCacheStats; cache: CountingQueryPlanCache } {
  const cache = new CountingQueryPlanCache(maxMiB);
  return { queryPlanCache: cache, stats: cache.stats, cache };
}

export class CountingQueryPlanCache implements QueryPlanCache {
  readonly stats: QueryPlanCacheStats = { hits: 0, misses: 0, plannedOffThread: 0, plannerThreadStarts: 0 };
  private readonly plans: InMemoryLRUCache<QueryPlan> | undefined;
  /** Keys looked up (and counted) for a request ahead of the gateway's own lookup, which is then not counted again. */
  private readonly lookedUp = new Map<string, number>();

  /** Whether plans are kept at all (0 MiB keeps none: nothing can be planned ahead). */
  get enabled(): boolean {
    return this.plans !== undefined;
  }

  /** The plan for a request about to be executed, counted as the gateway's lookup is; that lookup will not count. */
  async lookup(key: string): Promise<QueryPlan | undefined> {
    this.lookedUp.set(key, (this.lookedUp.get(key) ?? 0) + 1);
    return this.count(await this.plans?.get(key));
  }

  constructor(maxMiB: number) {
    this.plans =
      maxMiB > 0
        ? new InMemoryLRUCache<QueryPlan>({ maxSize: maxMiB * 2 ** 20, sizeCalculation: (plan) => JSON.stringify(plan).length })
        : undefined;
  }

  /** The plan under a key, if any, not counted as a lookup. */
  async peek(key: string): Promise<QueryPlan | undefined> {
    return this.plans?.get(key);
  }

  async get(key: string): Promise<QueryPlan | undefined> {
    const plan = await this.plans?.get(key);
    const ahead = this.lookedUp.get(key) ?? 0;
    if (ahead === 0) return this.count(plan);
    if (ahead === 1) this.lookedUp.delete(key);
    else this.lookedUp.set(key, ahead - 1);
    return plan;
  }

  private count(plan: QueryPlan | undefined): QueryPlan | undefined {
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
