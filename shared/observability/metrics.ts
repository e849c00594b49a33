import { AsyncLocalStorage } from 'node:async_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics (prom-client), served on every server's GET /metrics. Each server has its own
 * registry (the tests run many servers in one process), plus the process's own metrics (`process_*`,
 * `nodejs_*`), registered once per process. README "Operations" lists every metric.
 *
 * What a provider's subgraph builds — its connector's HTTP clients, its webhook receivers — reports to
 * the metrics of the server it is built for: the kit builds it inside `reportingTo(metrics, …)`, and the
 * HTTP client and the webhook receiver find them with `metricsInScope()`. Built elsewhere (a unit test),
 * they report nothing.
 */
export type CircuitState = 'CLOSED' | 'HALF_OPEN' | 'OPEN';
/** The value of `gridgraph_upstream_circuit_state`. */
export const CIRCUIT_STATE_VALUES: Record<CircuitState, number> = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 };

export interface WatchedCircuit {
  provider: string;
  /** The provider's API it guards (host and base path): a provider may have several (login, data). */
  api: string;
  state(): CircuitState;
}

/** A request budget a provider grants (EnerKey: each API key's calls per 24 h). */
export interface RequestBudget {
  name: string;
  /** Calls left; undefined while the provider has not said. */
  remaining: number | undefined;
}

/** How a provider's credentials stand against their configured validity dates (EnerKey: its two API keys). */
export interface CredentialValidity {
  credentials: Array<{ name: string; secondsLeft: number | undefined }>;
  /** True when no credential is comfortably valid: each is near its end or past it (time to renew). */
  expiring: boolean;
}

export type WebhookOutcome = 'accepted' | 'refused' | 'failed';

/** Seconds; from a 5 ms answer to a request that used its whole 30 s. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Operation names come from clients: beyond this many distinct ones a server counts the rest as `other`. */
export const MAX_OPERATION_LABELS = 200;

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly operations = new Set<string>();
  private readonly circuits: WatchedCircuit[] = [];
  private readonly budgets: Array<{ provider: string; read: () => Promise<RequestBudget[]> }> = [];
  private readonly validities: Array<{ provider: string; read: () => CredentialValidity }> = [];

  private readonly graphqlRequests = new Histogram({
    name: 'gridgraph_graphql_request_duration_seconds',
    help: 'GraphQL requests served, by operation name and outcome (ok, errors), and how long they took',
    labelNames: ['operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly graphqlErrors = new Counter({
    name: 'gridgraph_graphql_errors_total',
    help: 'Errors in GraphQL answers, by extensions.code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  private readonly subgraphRequests = new Histogram({
    name: 'gridgraph_subgraph_request_duration_seconds',
    help: 'Gateway: calls to each subgraph, by outcome (ok, errors, failed), and how long they took',
    labelNames: ['subgraph', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly upstreamRequests = new Histogram({
    name: 'gridgraph_upstream_request_duration_seconds',
    help: 'Calls to a provider API, by provider, route template, method and HTTP status (or timeout, unreachable, circuit_open, not_sent), and how long they took, retries included',
    labelNames: ['provider', 'route', 'method', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly rateLimitRemaining = new Gauge({
    name: 'gridgraph_upstream_rate_limit_remaining',
    help: 'Calls left as the provider last reported in a response header (EnerKey: X-Rate-Limit)',
    labelNames: ['provider', 'api'] as const,
    registers: [this.registry],
  });
  private readonly storeErrors = new Counter({
    name: 'gridgraph_store_errors_total',
    help: 'Store operations that failed, by operation',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  private readonly webhookDeliveries = new Counter({
    name: 'gridgraph_webhook_deliveries_total',
    help: 'Webhook deliveries received, by provider and outcome: accepted (2xx, redeliveries too), refused (4xx), failed (5xx: not stored)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    const { circuits, budgets, validities } = this;
    new Gauge({
      name: 'gridgraph_upstream_circuit_state',
      help: 'Circuit breaker of each provider API: 0 closed, 1 half-open (the next call probes), 2 open (calls fail fast)',
      labelNames: ['provider', 'api'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { provider, api, state } of worstPerApi(circuits)) this.set({ provider, api }, CIRCUIT_STATE_VALUES[state]);
      },
    });
    new Gauge({
      name: 'gridgraph_upstream_budget_remaining',
      help: 'Calls left in a request budget a provider grants (EnerKey: each API key, per 24 h)',
      labelNames: ['provider', 'budget'] as const,
      registers: [this.registry],
      async collect() {
        const read = await Promise.all(budgets.map(async ({ provider, read }) => ({ provider, budgets: await read().catch(() => []) })));
        this.reset();
        for (const { provider, budgets } of read) {
          for (const { name, remaining } of budgets) if (remaining !== undefined) this.set({ provider, budget: name }, remaining);
        }
      },
    });
    new Gauge({
      name: 'gridgraph_upstream_credential_seconds_left',
      help: 'Seconds until a provider credential’s configured validity ends (EnerKey: each API key); negative once past',
      labelNames: ['provider', 'credential'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { provider, read } of validities) {
          for (const { name, secondsLeft } of read().credentials)
            if (secondsLeft !== undefined) this.set({ provider, credential: name }, secondsLeft);
        }
      },
    });
    new Gauge({
      name: 'gridgraph_upstream_credentials_expiring',
      help: 'A provider whose every credential is near the end of its validity or past it: 1 = renew now (EnerKey: both API keys)',
      labelNames: ['provider'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { provider, read } of validities) this.set({ provider }, read().expiring ? 1 : 0);
      },
    });
  }

  /** One GraphQL request answered: `errorCodes` empty when it went well. */
  graphqlRequest(operation: string, errorCodes: readonly string[], seconds: number): void {
    this.graphqlRequests.observe({ operation: this.operationLabel(operation), outcome: errorCodes.length ? 'errors' : 'ok' }, seconds);
    for (const code of errorCodes) this.graphqlErrors.inc({ code });
  }

  subgraphCall(subgraph: string, outcome: 'ok' | 'errors' | 'failed', seconds: number): void {
    this.subgraphRequests.observe({ subgraph, outcome }, seconds);
  }

  upstreamCall(call: { provider: string; route: string; method: string; status: string }, seconds: number): void {
    this.upstreamRequests.observe(call, seconds);
  }

  upstreamRateLimit(provider: string, api: string, remaining: number): void {
    this.rateLimitRemaining.set({ provider, api }, remaining);
  }

  storeError(operation: string): void {
    this.storeErrors.inc({ operation });
  }

  webhookDelivery(provider: string, outcome: WebhookOutcome): void {
    this.webhookDeliveries.inc({ provider, outcome });
  }

  watchCircuit(circuit: WatchedCircuit): void {
    this.circuits.push(circuit);
  }

  /** Every watched API's circuit state now (health reports them). */
  circuitStates(): CircuitReading[] {
    return worstPerApi(this.circuits);
  }

  watchBudgets(provider: string, read: () => Promise<RequestBudget[]>): void {
    this.budgets.push({ provider, read });
  }

  watchCredentialValidity(provider: string, read: () => CredentialValidity): void {
    this.validities.push({ provider, read });
  }

  /** The text GET /metrics answers: this server's metrics and the process's. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    const merged = Registry.merge([this.registry, processRegistry()]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }

  private operationLabel(operation: string): string {
    if (this.operations.has(operation)) return operation;
    if (this.operations.size >= MAX_OPERATION_LABELS) return 'other';
    this.operations.add(operation);
    return operation;
  }
}

let processMetrics: Registry | undefined;

/** CPU, memory, event-loop lag, handles: once per process, however many servers it runs. */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

export interface CircuitReading {
  provider: string;
  api: string;
  state: CircuitState;
}

/** One state per provider API: the worst of its clients' (a simulator serves a provider's several APIs on one address). */
function worstPerApi(circuits: readonly WatchedCircuit[]): CircuitReading[] {
  const worst = new Map<string, CircuitReading>();
  for (const { provider, api, state } of circuits) {
    const reading = { provider, api, state: state() };
    const key = `${provider} ${api}`;
    const known = worst.get(key);
    if (!known || CIRCUIT_STATE_VALUES[reading.state] > CIRCUIT_STATE_VALUES[known.state]) worst.set(key, reading);
  }
  return [...worst.values()];
}

const serverInScope = new AsyncLocalStorage<ServerMetrics>();

/** Builds what `build` builds (HTTP clients, webhook receivers) so that it reports to `metrics`. */
export function reportingTo<T>(metrics: ServerMetrics, build: () => T): T {
  return serverInScope.run(metrics, build);
}

/** The metrics of the server being built, or undefined outside `reportingTo` (a unit test's client). */
export function metricsInScope(): ServerMetrics | undefined {
  return serverInScope.getStore();
}
