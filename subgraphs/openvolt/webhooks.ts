import express, { type Express } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { createLogger } from '../../shared/log.js';
import { OpenvoltEvent } from './schema.js';

/**
 * Openvolt's webhook deliveries (docs: "Webhooks", "Event types"): an HTTP POST of
 * `{ subscription_id, event_id, event_timestamp, delivery_id, payload }`. They are received on
 * OPENVOLT_WEBHOOK_PATH of the subgraph's server, kept in memory (newest first, bounded), deduplicated by
 * delivery id, and `meter_data.received` updates each meter's `lastDataReceivedAt`.
 *
 * Openvolt documents no signature, so the receiver can require a token in the URL you register with
 * Openvolt (`?token=…`, OPENVOLT_WEBHOOK_TOKEN). Memory is per process: with several replicas, each
 * holds the deliveries it received.
 */
export const OPENVOLT_WEBHOOK_PATH = '/webhooks/openvolt';

export interface OpenvoltEnvelope {
  subscription_id?: string;
  event_id: string;
  event_timestamp: string;
  delivery_id: string;
  payload: unknown;
}

const log = createLogger('openvolt-webhooks');

export class OpenvoltEventStore {
  /** Newest first. */
  private readonly events: OpenvoltEvent[] = [];
  /** The same events by delivery id, for deduplication. */
  private readonly byDelivery = new Map<string, OpenvoltEvent>();
  private readonly lastDataByMeter = new Map<string, Date>();

  constructor(private readonly capacity = 1000) {}

  /** Records a delivery; a redelivery of the same delivery_id is acknowledged but not recorded twice. */
  record(envelope: OpenvoltEnvelope, receivedAt = new Date()): { event: OpenvoltEvent; duplicate: boolean } {
    const existing = this.byDelivery.get(envelope.delivery_id);
    if (existing) return { event: existing, duplicate: true };
    const event = toEvent(envelope, receivedAt);
    this.events.unshift(event);
    this.byDelivery.set(event.id, event);
    if (this.events.length > this.capacity) this.byDelivery.delete(this.events.pop()!.id);
    if (event.type === 'meter_data.received') {
      for (const meterId of event.meterIds) {
        const previous = this.lastDataByMeter.get(meterId);
        if (!previous || previous < event.occurredAt) this.lastDataByMeter.set(meterId, event.occurredAt);
      }
    }
    return { event, duplicate: false };
  }

  /** Newest first; optionally only one event type or only events about one meter. */
  list(filter: { type?: string | null; meterId?: string | null } = {}): OpenvoltEvent[] {
    return this.events.filter(
      (event) => (!filter.type || event.type === filter.type) && (!filter.meterId || event.meterIds.includes(filter.meterId)),
    );
  }

  lastDataReceivedAt(meterId: string): Date | null {
    return this.lastDataByMeter.get(meterId) ?? null;
  }
}

/** Mounts the receiver on `app`. Answers 204 on success (also for a redelivery), 400 for a malformed body. */
export function mountOpenvoltWebhook(app: Express, store: OpenvoltEventStore, token: string | undefined): void {
  app.post(OPENVOLT_WEBHOOK_PATH, express.json({ limit: '1mb' }), (req, res) => {
    if (token && !sameSecret(String(req.query.token ?? ''), token)) {
      res.status(401).json({ error: 'This webhook URL needs the token configured in OPENVOLT_WEBHOOK_TOKEN.' });
      return;
    }
    const problem = envelopeProblem(req.body);
    if (problem) {
      res.status(400).json({ error: `Not an Openvolt webhook delivery: ${problem}` });
      return;
    }
    const { event, duplicate } = store.record(req.body as OpenvoltEnvelope);
    log.debug(`${duplicate ? 'redelivery of' : 'received'} ${event.type} ${event.id}`);
    res.status(204).end();
  });
}

/** Why `body` is not a delivery envelope, or null when it is one. */
export function envelopeProblem(body: unknown): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON object';
  const envelope = body as Record<string, unknown>;
  for (const key of ['event_id', 'event_timestamp', 'delivery_id'] as const) {
    if (typeof envelope[key] !== 'string' || !(envelope[key] as string).trim()) return `"${key}" must be a non-empty string`;
  }
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

function toEvent(envelope: OpenvoltEnvelope, receivedAt: Date): OpenvoltEvent {
  return Object.assign(new OpenvoltEvent(), {
    id: envelope.delivery_id,
    type: envelope.event_id,
    subscriptionId: envelope.subscription_id ?? null,
    occurredAt: new Date(envelope.event_timestamp),
    receivedAt,
    meterIds: meterIdsOf(envelope),
    envelope: envelope as unknown as Record<string, unknown>,
  });
}

function meterIdsOf(envelope: OpenvoltEnvelope): string[] {
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

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
