import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { numberInRange, readConfig } from './config.js';
import type { ProviderName } from '../graph/provider-names.js';
import { metricsInScope, type WebhookOutcome } from '../observability/metrics.js';
import { offsetAfter, toConnection, type Connection } from '../graph/connection.js';
import { getJson, type Store } from '../store/index.js';
import { createLogger } from '../observability/logger.js';
import { refuseGraphQLRequest } from '../observability/graphql-requests.js';

const log = createLogger('webhooks');

/**
 * Received webhook deliveries, kept in the store (DESIGN.md "State"): written before the receiver
 * answers 2xx, so a provider whose delivery was acknowledged never loses it, and a failed write answers
 * 5xx so that the provider retries. Deduplicated by the provider's delivery id, readable on every
 * replica that shares the store, and forgotten after the retention (WEBHOOK_RETENTION_DAYS).
 *
 * Each delivery is one key (`webhook:<provider>:delivery:<id>`, JSON with the body as received) and an
 * entry in sorted lists, newest first: `all`, and whatever lists the receiver names (by type, by meter…).
 * A redelivery adds the kept delivery to its lists again, which repairs a first attempt that failed
 * halfway.
 */
export const WEBHOOK_RETENTION_DAYS_DEFAULT = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Provider delivery ids are UUIDs; a longer one is refused rather than made into a huge key. */
export const MAX_DELIVERY_ID_LENGTH = 200;

/** The settings of every subgraph that receives webhooks. */
export const WEBHOOK_SETTINGS = {
  WEBHOOK_RETENTION_DAYS: numberInRange(
    0.01,
    3650,
  )({ default: WEBHOOK_RETENTION_DAYS_DEFAULT, desc: 'Days a received webhook delivery (Openvolt events, Volue notifications) is kept' }),
  WEBHOOK_MAX_BODY_BYTES: numberInRange(
    1_024,
    10 * 2 ** 20,
  )({ default: 256 * 1024, desc: 'Largest webhook delivery body accepted, in bytes (413 beyond)' }),
  WEBHOOK_MAX_FUTURE_SKEW_S: numberInRange(
    0,
    86_400,
  )({ default: 300, desc: 'How far into the future a delivery’s time stamps may lie (clock skew, s); a later stamp is refused' }),
};

/** How long received deliveries are kept, how large they may be, and how far ahead their stamps may be. */
export interface WebhookSettings {
  retentionMs: number;
  maxBodyBytes: number;
  maxFutureSkewMs: number;
}

export function readWebhookSettings(env: NodeJS.ProcessEnv): WebhookSettings {
  const config = readConfig(WEBHOOK_SETTINGS, env);
  return {
    retentionMs: config.WEBHOOK_RETENTION_DAYS * DAY_MS,
    maxBodyBytes: config.WEBHOOK_MAX_BODY_BYTES,
    maxFutureSkewMs: config.WEBHOOK_MAX_FUTURE_SKEW_S * 1000,
  };
}

/** Answers a delivery that is not kept as every server refuses a request: JSON with a code and the request id. */
export function refuseDelivery(res: Response, status: number, code: string, message: string): void {
  refuseGraphQLRequest(res.req, res, status, { message, extensions: { code } });
}

/**
 * The front of every webhook receiver (DESIGN.md "Doors"), in this order: the delivery is counted
 * (countDeliveries); its body is read raw, at most `maxBodyBytes` (413 PAYLOAD_TOO_LARGE beyond, read no
 * further); the provider's signature or token is verified over those bytes (401 UNAUTHENTICATED, and
 * nothing is recorded); the body is parsed as JSON (400 BAD_REQUEST). The route's own handler, after
 * these, finds the parsed body in `req.body` and checks its shape and stamps (futureStampProblem).
 */
export function webhookReceiver(options: {
  provider: ProviderName;
  maxBodyBytes: number;
  /** Whether the delivery carries the provider's signature or token; given the raw body. */
  verify: (req: Request, rawBody: Buffer) => boolean;
  /** What a delivery that fails `verify` is told. */
  unverified: string;
}): Array<RequestHandler | ErrorRequestHandler> {
  const bodyRefused: ErrorRequestHandler = (error: { type?: string }, _req, res, _next) => {
    if (error.type === 'entity.too.large') {
      refuseDelivery(
        res,
        413,
        'PAYLOAD_TOO_LARGE',
        `A delivery body may hold at most ${options.maxBodyBytes} bytes (WEBHOOK_MAX_BODY_BYTES).`,
      );
    } else if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
      refuseDelivery(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as UTF-8 JSON, without a content encoding.');
    } else {
      refuseDelivery(res, 400, 'BAD_REQUEST', 'The body could not be read.');
    }
  };
  const verified: RequestHandler = (req, res, next) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!options.verify(req, raw)) {
      log.warn(`refused an unverified ${options.provider} webhook delivery`);
      refuseDelivery(res, 401, 'UNAUTHENTICATED', options.unverified);
      return;
    }
    try {
      req.body = JSON.parse(raw.toString('utf8'));
    } catch {
      refuseDelivery(res, 400, 'BAD_REQUEST', 'The body is not JSON.');
      return;
    }
    next();
  };
  return [countDeliveries(options.provider), express.raw({ type: () => true, limit: options.maxBodyBytes }), bodyRefused, verified];
}

/**
 * Why a delivery's time stamp cannot be believed: it lies more than `maxFutureSkewMs` after `now` (a
 * forged `meter_data.received` dated 2030 would set a meter's lastDataReceivedAt to 2030), or it is
 * no time at all. Null for a stamp that is absent or believable.
 */
export function futureStampProblem(name: string, stamp: unknown, now: number, maxFutureSkewMs: number): string | null {
  if (stamp === undefined || stamp === null) return null;
  const at = typeof stamp === 'string' ? Date.parse(stamp) : Number.NaN;
  if (Number.isNaN(at)) return `"${name}" must be an ISO 8601 time`;
  if (at > now + maxFutureSkewMs) {
    return `"${name}" ${stamp} lies in the future (more than ${maxFutureSkewMs / 1000} s ahead of this server's clock, WEBHOOK_MAX_FUTURE_SKEW_S)`;
  }
  return null;
}

/**
 * First on a webhook receiver's route: counts each delivery by its answer in the metrics of the server
 * it is mounted on (gridgraph_webhook_deliveries_total): 2xx accepted (a redelivery too), 4xx refused
 * (a bad signature or token, a malformed body), 5xx failed (not stored; the provider delivers again).
 */
export function countDeliveries(provider: ProviderName): RequestHandler {
  const metrics = metricsInScope();
  return (_req, res, next) => {
    res.once('finish', () => metrics?.webhookDelivery(provider, deliveryOutcome(res.statusCode)));
    next();
  };
}

function deliveryOutcome(status: number): WebhookOutcome {
  if (status >= 500) return 'failed';
  return status >= 400 ? 'refused' : 'accepted';
}

export interface InboxDelivery<T> {
  id: string;
  /** When this server first received it (epoch ms). */
  receivedAt: number;
  /** The delivery's body as received. */
  body: T;
}

/** A list a delivery goes into; its score orders the list (default: the time received). */
export interface InboxList {
  name: string;
  score?: number;
}

export class WebhookInbox<T> {
  constructor(
    private readonly store: Store,
    /** Names the keys, e.g. `openvolt`. */
    private readonly provider: string,
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Keeps the delivery unless one with this id is kept already, and puts it in `all` and in `lists`.
   * Resolves once everything is stored; throws when the store fails (answer 5xx then).
   */
  async record(id: string, body: T, lists: InboxList[] = []): Promise<{ delivery: InboxDelivery<T>; duplicate: boolean }> {
    const key = this.deliveryKey(id);
    const fresh: InboxDelivery<T> = { id, receivedAt: this.now(), body };
    const duplicate = !(await this.store.setIfAbsent(key, JSON.stringify(fresh), this.retentionMs));
    const delivery = (duplicate && (await getJson<InboxDelivery<T>>(this.store, key))) || fresh;
    const oldest = this.oldestKept();
    await Promise.all(
      [{ name: 'all' }, ...lists].map(async ({ name, score }) => {
        await this.store.addToIndex(this.listKey(name), id, score ?? delivery.receivedAt, this.retentionMs);
        await this.store.trimIndex(this.listKey(name), oldest);
      }),
    );
    return { delivery, duplicate };
  }

  /** A page of a list, newest first, as a GraphQL connection of `toNode(delivery)`. */
  async connection<N>(
    list: string,
    args: { first: number; after?: string | null },
    toNode: (delivery: InboxDelivery<T>) => N,
  ): Promise<Connection<N>> {
    const offset = offsetAfter(args.after);
    const { entries, total } = await this.store.readIndex(this.listKey(list), {
      minScore: this.oldestKept(),
      offset,
      limit: args.first + 1,
    });
    const deliveries = await Promise.all(entries.map(({ member }) => getJson<InboxDelivery<T>>(this.store, this.deliveryKey(member))));
    // A delivery can expire a moment before its list entry is trimmed: it is left out, not shown empty.
    const kept = deliveries.filter((delivery): delivery is InboxDelivery<T> => delivery !== undefined);
    return toConnection(kept.map(toNode), offset, args.first, total);
  }

  /** The highest score in a list within the retention (e.g. the latest data announced for a meter), if any. */
  async latest(list: string): Promise<number | undefined> {
    const { entries } = await this.store.readIndex(this.listKey(list), { minScore: this.oldestKept(), limit: 1 });
    return entries[0]?.score;
  }

  /** The lowest score still within the retention (a delivery's key expires at receivedAt + retention). */
  private oldestKept(): number {
    return this.now() - this.retentionMs + 1;
  }

  private deliveryKey(id: string): string {
    return `webhook:${this.provider}:delivery:${id}`;
  }

  private listKey(name: string): string {
    return `webhook:${this.provider}:list:${name}`;
  }
}
