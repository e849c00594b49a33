import type { QueryPlan } from '@apollo/query-planner';
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createLogger } from '../../shared/observability/logger.js';
import type { PlanAnswer, PlanRequest } from '../planner-worker.js';
import type { CountingQueryPlanCache } from './plan-cache-stats.js';
import type { GatewayPlugin } from './plugin.js';

const log = createLogger('gateway');

/**
 * Query plans are made off the main thread (docs/query-planning.md): planning a new operation can take
 * seconds of CPU — thirty aliased `meteringPoint` lookups, each of which any of five subgraphs can
 * resolve, took 2–6.6 s — and on the main thread that time blocks every other request. Before the
 * gateway executes an operation whose plan is not cached, this plugin has the planner thread
 * (planner-worker.ts) make it and puts it in the plan cache under the key @apollo/gateway looks up, so
 * the gateway finds it there. Meanwhile the event loop serves other requests; one operation planned by
 * many requests at once is planned once. With no plan cache (0 MiB) the gateway plans as it always did.
 */
export function usePlanningOffThread(
  cache: CountingQueryPlanCache,
  supergraphSdl: string,
  idleMs: number,
): GatewayPlugin & { stop(): Promise<void> } {
  const planner = cache.enabled ? new PlannerThread(supergraphSdl, idleMs, cache.stats) : undefined;
  const inFlight = new Map<string, Promise<void>>();
  return {
    stop: async () => planner?.stop(),
    apolloPlugins: [
      {
        async requestDidStart() {
          return {
            // After validation, the limits and the input bounds (didResolveOperation): nothing refused is planned.
            async responseForOperation({ request, queryHash, source }) {
              if (!planner || queryHash === undefined || source === undefined) return null;
              const key = planCacheKey(queryHash, request.operationName);
              if (await cache.lookup(key)) return null;
              let planned = inFlight.get(key);
              if (!planned) {
                planned = planner
                  .plan(source, request.operationName ?? null)
                  .then(async (plan) => {
                    cache.stats.plannedOffThread += 1;
                    await cache.set(key, plan);
                  })
                  // The gateway then plans it itself, and reports what is wrong with it as it always did.
                  .catch((error: unknown) => log.warn(`planning off the main thread failed: ${(error as Error).message}`))
                  .finally(() => inFlight.delete(key));
                inFlight.set(key, planned);
              }
              await planned;
              return null;
            },
          };
        },
      },
    ],
  };
}

/** The key @apollo/gateway's executor stores an operation's plan under (its hash, and its name when given). */
export function planCacheKey(queryHash: string, operationName: string | null | undefined): string {
  return operationName ? createHash('sha256').update(queryHash).update(operationName).digest('hex') : queryHash;
}

/**
 * One planner thread, asked one operation at a time in the order asked. It is started when a plan is
 * needed and stopped once it has had nothing to plan for `idleMs`: a thread carries its own V8 heap, a
 * copy of the supergraph and the planner (about 85 MiB of the gateway's idle 296 MiB under tsx), while
 * with the plan cache warm it is rarely asked. Starting it again costs one supergraph build on that thread.
 */
class PlannerThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (plan: QueryPlan) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly supergraphSdl: string,
    private readonly idleMs: number,
    private readonly stats: { plannerThreadStarts: number },
  ) {}

  plan(source: string, operationName: string | null): Promise<QueryPlan> {
    clearTimeout(this.idleTimer);
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, source, operationName } satisfies PlanRequest);
    });
  }

  async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    // Only what this thread was asked fails: a plan asked while it terminates goes to the next thread.
    const asked = [...this.pending.keys()];
    await worker?.terminate();
    this.failAll(new Error('the planner thread was stopped'), asked);
  }

  private start(): Worker {
    this.stats.plannerThreadStarts += 1;
    // planner-worker.js once built; planner-worker.ts under tsx and vitest, where the thread first
    // registers tsx's loader (a worker does not inherit vitest's, and ignores --import in its execArgv).
    const extension = extname(fileURLToPath(import.meta.url));
    const script = new URL(`../planner-worker${extension}`, import.meta.url);
    const options = { workerData: { supergraphSdl: this.supergraphSdl } };
    const worker =
      extension === '.ts'
        ? new Worker(
            `import(${JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href)})` +
              `.then(({ register }) => { register(); return import(${JSON.stringify(script.href)}); });`,
            { ...options, eval: true },
          )
        : new Worker(script, options);
    worker.unref();
    worker.on('message', (answer: PlanAnswer) => {
      const waiting = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      if ('error' in answer) waiting?.reject(new Error(answer.error));
      else waiting?.resolve(answer.plan as QueryPlan);
      if (this.pending.size === 0) this.stopWhenIdle();
    });
    // A thread that dies fails what it was asked; the next plan starts a fresh one. (One stopped has
    // been let go already: what is pending then is the next thread's.)
    worker.on('error', (error) => this.worker === worker && this.failAll(error));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(new Error(`the planner thread exited (${code})`));
    });
    return worker;
  }

  private stopWhenIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stop(), this.idleMs);
    this.idleTimer.unref();
  }

  private failAll(error: Error, ids: Iterable<number> = [...this.pending.keys()]): void {
    for (const id of ids) {
      this.pending.get(id)?.reject(error);
      this.pending.delete(id);
    }
  }
}
