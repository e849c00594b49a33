import DataLoader from 'dataloader';
import { REQUEST_TIMEOUT_HEADER, currentDeadline, timeToGive } from '../../shared/connector/deadline.js';
import { createHttpClient, type HttpClient } from '../../shared/connector/http-client.js';
import { GridgraphError, type ErrorCode } from '../../shared/graph/errors.js';
import { PROVIDER_LABELS, type ProviderName } from '../../shared/graph/provider-names.js';
import { SUBGRAPH_SECRET_HEADER } from '../../shared/subgraph/gateway-secret.js';
import type { ReadingRange } from '../../shared/time/index.js';
import type { HealthReport } from '../../shared/subgraph/server.js';
import type { BucketValue } from './merge.js';

/** How long a readiness probe of a provider subgraph may take. */
const HEALTH_TIMEOUT_MS = 2_000;

/**
 * How the metering subgraph asks the provider subgraphs (DESIGN.md, "Answers across providers"): over
 * HTTP at their GraphQL endpoints, as the gateway does — with the subgraph secret, the request id (the
 * kit's HTTP client sends it) and the time left — never by importing their code. What each provider
 * contributes to `MeteringPoint` is in sources.ts, generated from subgraphs/registry.ts.
 */

/** A provider subgraph whose meters at a metering point have readings (one entry of sources.ts). */
export interface MeteringSource {
  /** The subgraph's name (its `<NAME>_SUBGRAPH_URL` setting, as the gateway's). */
  subgraph: string;
  provider: ProviderName;
  /** Its default port: the URL is `http://<HOST>:<port>/graphql` unless `<NAME>_SUBGRAPH_URL` says otherwise. */
  port: number;
  /** Its field on MeteringPoint: a meter, or a list of them, each with `consumption(range)`. */
  field: string;
  /** Whether its meters also have `production(range)` (energy exported). */
  production: boolean;
}

export type SeriesKind = 'consumption' | 'production';

/** One meter's series at a metering point, or why it has none. */
export type MeterSeries = { meterId: string; buckets: BucketValue[] } | { meterId: string; error: GridgraphError };

/** What one provider knows of one metering point's series: its meters', or the error that kept them all away. */
export type ProviderPart = { provider: ProviderName; meters: MeterSeries[] } | { provider: ProviderName; error: GridgraphError };

interface PartKey {
  pointId: string;
  range: ReadingRange;
  kind: SeriesKind;
}

interface GraphQLAnswer {
  data?: { _entities?: Array<{ meters?: unknown } | null> } | null;
  errors?: Array<{ message?: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

interface MeterAnswer {
  id: string;
  [alias: string]: unknown;
}

const KNOWN_CODES = new Set<ErrorCode>([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_RATE_LIMITED',
  'UPSTREAM_REJECTED',
]);

/** The provider subgraphs, as one process reaches them; `forRequest()` gives each request its own loaders. */
export class ProviderSubgraphs {
  private readonly clients: Map<ProviderName, { source: MeteringSource; client: HttpClient; origin: string; path: string }>;

  constructor(
    readonly sources: readonly MeteringSource[],
    urls: Record<string, string>,
    { secret, timeoutMs }: { secret: string; timeoutMs: number },
  ) {
    this.clients = new Map(
      sources.map((source) => {
        const url = new URL(urls[source.subgraph]!);
        const path = url.pathname.replace(/^\/+/, '');
        const client = createHttpClient({
          provider: source.provider,
          baseUrl: url.origin,
          timeoutMs,
          // A merge asks each subgraph once per request; a subgraph that failed is reported, not asked again.
          concurrency: 64,
          retries: 0,
          headers: secret ? { [SUBGRAPH_SECRET_HEADER]: secret } : {},
          secrets: [secret],
        });
        return [source.provider, { source, client, origin: url.origin, path }];
      }),
    );
  }

  /**
   * Ready while some provider subgraph is (it merges what there is), degraded while some are not, and
   * failing when none is: with nothing to merge it can answer nothing. Each says so at /health/ready.
   */
  async health(): Promise<HealthReport> {
    const states = await Promise.all(
      [...this.clients.values()].map(async ({ source, origin }) => {
        const ready = await fetch(`${origin}/health/ready`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) }).then(
          (response) => response.ok,
          () => false,
        );
        return [source.subgraph, ready ? 'up' : 'down'] as const;
      }),
    );
    const up = states.filter(([, state]) => state === 'up').length;
    return { status: up === 0 ? 'failing' : up < states.length ? 'degraded' : 'ok', subgraphs: Object.fromEntries(states) };
  }

  /** Per request: one loader per provider subgraph, so that every part a request needs of it is one call. */
  forRequest(): RequestParts {
    const loaders = new Map(
      [...this.clients].map(([provider, { source, client, path }]) => [
        provider,
        new DataLoader<PartKey, ProviderPart, string>((keys) => askSubgraph(source, client, path, keys), {
          cacheKeyFn: ({ pointId, range, kind }) => `${kind}|${pointId}|${rangeKey(range)}`,
        }),
      ]),
    );
    return {
      part: (provider, pointId, range, kind) => loaders.get(provider)!.load({ pointId, range, kind }),
    };
  }
}

export interface RequestParts {
  part(provider: ProviderName, pointId: string, range: ReadingRange, kind: SeriesKind): Promise<ProviderPart>;
}

function rangeKey(range: ReadingRange): string {
  return JSON.stringify([range.from.getTime(), range.to.getTime(), range.resolution, range.unit, range.timeZone]);
}

/**
 * One request to one provider subgraph for every part asked in one tick: every metering point's meters
 * (`_entities`), each with its series for every range and kind asked (aliases r0c, r0p, r1c, …).
 * Only the buckets' values and qualities travel back: the buckets themselves follow from the range.
 */
async function askSubgraph(source: MeteringSource, client: HttpClient, path: string, keys: readonly PartKey[]): Promise<ProviderPart[]> {
  const pointIds = [...new Set(keys.map(({ pointId }) => pointId))];
  const ranges = new Map<string, { range: ReadingRange; kinds: Set<SeriesKind>; alias: string }>();
  for (const { range, kind } of keys) {
    const key = rangeKey(range);
    const entry = ranges.get(key) ?? { range, kinds: new Set(), alias: `r${ranges.size}` };
    entry.kinds.add(kind);
    ranges.set(key, entry);
  }
  const seriesFields = [...ranges.values()].flatMap(({ alias, kinds }) =>
    [...kinds].map((kind) => `${alias}${kind[0]}: ${kind}(range: $${alias}) { readings { value quality } }`),
  );
  const query =
    `query MeteringPointSeries($points: [_Any!]!${[...ranges.values()].map(({ alias }) => `, $${alias}: ReadingRange!`).join('')}) {\n` +
    `  _entities(representations: $points) { ... on MeteringPoint { meters: ${source.field} { id ${seriesFields.join(' ')} } } }\n}`;
  const variables: Record<string, unknown> = { points: pointIds.map((id) => ({ __typename: 'MeteringPoint', id })) };
  for (const { range, alias } of ranges.values()) variables[alias] = range;

  let answer: GraphQLAnswer;
  try {
    const left = currentDeadline()?.left();
    const response = await client.request<GraphQLAnswer>({
      method: 'POST',
      path,
      json: { query, variables },
      headers: left === undefined ? {} : { [REQUEST_TIMEOUT_HEADER]: String(timeToGive(left)) },
    });
    answer = response.body;
  } catch (error) {
    const failure = subgraphFailure(source, error);
    return keys.map(() => ({ provider: source.provider, error: failure }));
  }

  const errors = answer.errors ?? [];
  const errorAt = (prefix: Array<string | number>): GridgraphError =>
    errorFrom(
      source,
      errors.find((error) => prefix.every((step, index) => error.path?.[index] === step)) ??
        errors.find((error) => !error.path) ?? { message: `The ${source.subgraph} subgraph answered without this part.` },
    );
  const entities = answer.data?._entities ?? [];
  return keys.map(({ pointId, range, kind }): ProviderPart => {
    const index = pointIds.indexOf(pointId);
    const entity = entities[index];
    const meters = entity?.meters;
    if (meters === null || meters === undefined) {
      // null with an error: the provider failed; null without one: it knows no meter here (UMeter's single connection).
      const failed = entity === null || entity === undefined || errors.some((error) => error.path?.[1] === index);
      return failed ? { provider: source.provider, error: errorAt(['_entities', index]) } : { provider: source.provider, meters: [] };
    }
    const list = (Array.isArray(meters) ? meters : [meters]) as MeterAnswer[];
    const alias = `${ranges.get(rangeKey(range))!.alias}${kind[0]}`;
    return {
      provider: source.provider,
      meters: list.map((meter, position): MeterSeries => {
        const series = meter[alias] as { readings: BucketValue[] } | null;
        if (series) return { meterId: meter.id, buckets: series.readings };
        const at = Array.isArray(meters) ? ['_entities', index, 'meters', position, alias] : ['_entities', index, 'meters', alias];
        return { meterId: meter.id, error: errorAt(at) };
      }),
    };
  });
}

/** A provider subgraph's error as this subgraph's, with its code and provider (its message is client-safe already). */
function errorFrom(source: MeteringSource, error: { message?: string; extensions?: Record<string, unknown> }): GridgraphError {
  // The request id is this request's own: it is added again when the error is sent.
  const { code, requestId: _sameRequest, ...details } = error.extensions ?? {};
  const known = KNOWN_CODES.has(code as ErrorCode) ? (code as ErrorCode) : 'UPSTREAM_UNAVAILABLE';
  return new GridgraphError(known, error.message ?? `${PROVIDER_LABELS[source.provider]} failed`, {
    ...details,
    provider: source.provider,
  });
}

/** The provider subgraph did not answer (or answered with an HTTP error): its code, naming the subgraph. */
function subgraphFailure(source: MeteringSource, error: unknown): GridgraphError {
  const code: ErrorCode = error instanceof GridgraphError ? error.code : 'UPSTREAM_UNAVAILABLE';
  return new GridgraphError(
    code,
    `The ${source.subgraph} subgraph did not answer, so ${PROVIDER_LABELS[source.provider]}'s readings are left out of the merge.`,
    { provider: source.provider, subgraph: source.subgraph },
  );
}
