import type { Express, Request, Response } from 'express';
import type { Connection, ConnectionArgs } from '../../shared/graph/index.js';
import { createLogger } from '../../shared/observability/logger.js';
import { sameSecret } from '../../shared/subgraph/config.js';
import type { Store } from '../../shared/store/index.js';
import type { HistoryCache } from '../../shared/time/index.js';
import {
  MAX_DELIVERY_ID_LENGTH,
  WebhookInbox,
  futureStampProblem,
  refuseDelivery,
  webhookReceiver,
  type InboxDelivery,
  type InboxList,
  type WebhookSettings,
} from '../../shared/subgraph/webhook-inbox.js';
import type { OpenvoltWebhookEnvelope } from './contract.js';
import { OpenvoltEvent } from './schema.js';

/**
 * Openvolt's webhook deliveries (docs: "Webhooks", "Event types"): an HTTP POST of
 * `{ subscription_id, event_id, event_timestamp, delivery_id, payload }`. They are received on
 * OPENVOLT_WEBHOOK_PATH of the subgraph's server and kept in the store's webhook inbox (deduplicated by
 * delivery id, for WEBHOOK_RETENTION_DAYS) before the answer; `meter_data.received` updates each meter's
 * `lastDataReceivedAt` and forgets its cached history (new data may fill or correct it). Every replica sharing the store reads the same events.
 *
 * Openvolt documents no signature, so the receiver requires a token in the URL you register with
 * Openvolt (`?token=…`, OPENVOLT_WEBHOOK_TOKEN): without one configured it accepts no delivery at all.
 * Against the simulator the token is generated for each run and the simulator delivers to it.
 */
export const OPENVOLT_WEBHOOK_PATH = '/webhooks/openvolt';

const log = createLogger('openvolt-webhooks');

/** Received Openvolt events, listed newest first in all, by type, by meter, and by both. */
export class OpenvoltEvents {
  private readonly inbox: WebhookInbox<OpenvoltWebhookEnvelope>;

  private readonly history: HistoryCache | undefined;

  /** `history`: the meter's cached readings, forgotten when Openvolt says it has new data; `now`: the inbox's clock. */
  constructor(store: Store, retentionMs: number, { history, now }: { history?: HistoryCache; now?: () => number } = {}) {
    this.inbox = new WebhookInbox(store, 'openvolt', retentionMs, now);
    this.history = history;
  }

  /** Keeps a delivery; a redelivery of the same delivery_id is acknowledged but not kept twice. */
  async record(envelope: OpenvoltWebhookEnvelope): Promise<{ event: OpenvoltEvent; duplicate: boolean }> {
    const type = envelope.event_id;
    const meterIds = meterIdsOf(envelope);
    const lists: InboxList[] = [{ name: `type:${type}` }];
    for (const meterId of meterIds) {
      lists.push({ name: `meter:${meterId}` }, { name: `type:${type}:meter:${meterId}` });
      // Scored by when the data was announced, so the latest entry is the meter's lastDataReceivedAt.
      if (type === 'meter_data.received') lists.push({ name: `data:${meterId}`, score: Date.parse(envelope.event_timestamp) });
    }
    const { delivery, duplicate } = await this.inbox.record(envelope.delivery_id, envelope, lists);
    if (type === 'meter_data.received') await Promise.all(meterIds.map((meterId) => this.history?.forget(meterId)));
    return { event: toEvent(delivery), duplicate };
  }

  /** Newest first; optionally only one event type, only events about one meter, or both. */
  list(filter: { type?: string | null; meterId?: string | null }, args: ConnectionArgs): Promise<Connection<OpenvoltEvent>> {
    const list = [filter.type && `type:${filter.type}`, filter.meterId && `meter:${filter.meterId}`].filter(Boolean).join(':') || 'all';
    return this.inbox.connection(list, args, toEvent);
  }

  async lastDataReceivedAt(meterId: string): Promise<Date | null> {
    const latest = await this.inbox.latest(`data:${meterId}`);
    return latest === undefined ? null : new Date(latest);
  }
}

/**
 * Mounts the receiver on `app` (shared/subgraph/webhook-inbox.ts's webhookReceiver first). Answers 204
 * once the delivery is stored (also for a redelivery), 400 for a malformed body or a stamp in the future,
 * 401 without the token, 413 for a body over WEBHOOK_MAX_BODY_BYTES, 503 when the store failed
 * (Openvolt delivers again).
 */
export function mountOpenvoltWebhook(
  app: Express,
  events: OpenvoltEvents,
  options: { token: string | undefined; settings: WebhookSettings; now: () => number },
): void {
  const { token, settings, now } = options;
  if (!token) log.warn('OPENVOLT_WEBHOOK_TOKEN is not set: every webhook delivery is refused (401)');
  const receiver = webhookReceiver({
    provider: 'OPENVOLT',
    maxBodyBytes: settings.maxBodyBytes,
    verify: (req) => token !== undefined && sameSecret(String(req.query.token ?? ''), token),
    unverified: token
      ? 'This webhook URL needs the token configured in OPENVOLT_WEBHOOK_TOKEN.'
      : 'This receiver accepts no delivery until OPENVOLT_WEBHOOK_TOKEN is set.',
  });
  app.post(OPENVOLT_WEBHOOK_PATH, ...receiver, async (req: Request, res: Response) => {
    const problem =
      envelopeProblem(req.body) ?? futureStampProblem('event_timestamp', req.body.event_timestamp, now(), settings.maxFutureSkewMs);
    if (problem) {
      refuseDelivery(res, 400, 'BAD_REQUEST', `Not an Openvolt webhook delivery: ${problem}`);
      return;
    }
    try {
      const { event, duplicate } = await events.record(req.body as OpenvoltWebhookEnvelope);
      log.debug(`${duplicate ? 'redelivery of' : 'received'} ${event.type} ${event.id}`);
      res.status(204).end();
    } catch (error) {
      log.error(`could not store Openvolt delivery ${(req.body as OpenvoltWebhookEnvelope).delivery_id}: ${(error as Error).message}`);
      refuseDelivery(res, 503, 'UNAVAILABLE', 'The delivery could not be stored; deliver it again.');
    }
  });
}

/** Why `body` is not a delivery envelope, or null when it is one. */
export function envelopeProblem(body: unknown): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON object';
  const envelope = body as Record<string, unknown>;
  for (const key of ['event_id', 'event_timestamp', 'delivery_id'] as const) {
    if (typeof envelope[key] !== 'string' || !(envelope[key] as string).trim()) return `"${key}" must be a non-empty string`;
  }
  if ((envelope.delivery_id as string).length > MAX_DELIVERY_ID_LENGTH)
    return `"delivery_id" must be at most ${MAX_DELIVERY_ID_LENGTH} characters`;
  if (Number.isNaN(Date.parse(envelope.event_timestamp as string))) return '"event_timestamp" must be an ISO 8601 time';
  if (!('payload' in envelope)) return '"payload" is missing';
  if (envelope.event_id === 'meter_data.received') {
    const items = envelope.payload;
    if (!Array.isArray(items) || items.some((item) => !item || typeof item !== 'object' || typeof item.meter_id !== 'string')) {
      return 'a meter_data.received payload must be a list of { meter_id, start_interval, end_interval }';
    }
  }
  return null;
}

function toEvent({ body: envelope, receivedAt }: InboxDelivery<OpenvoltWebhookEnvelope>): OpenvoltEvent {
  return Object.assign(new OpenvoltEvent(), {
    id: envelope.delivery_id,
    type: envelope.event_id,
    subscriptionId: envelope.subscription_id ?? null,
    occurredAt: new Date(envelope.event_timestamp),
    receivedAt: new Date(receivedAt),
    meterIds: meterIdsOf(envelope),
    envelope: envelope as unknown as Record<string, unknown>,
  });
}

function meterIdsOf(envelope: OpenvoltWebhookEnvelope): string[] {
  const payload = envelope.payload;
  if (Array.isArray(payload)) {
    return [
      ...new Set(payload.map((item) => (item as { meter_id?: unknown }).meter_id).filter((id): id is string => typeof id === 'string')),
    ];
  }
  if (envelope.event_id === 'meter.created' && payload && typeof payload === 'object') {
    const id = (payload as { _id?: unknown })._id;
    return typeof id === 'string' ? [id] : [];
  }
  return [];
}
