import express, { type Express } from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createLogger } from '../../shared/log.js';
import { VolueNotification, VolueNotificationType } from './schema.js';

/**
 * Volue's webhook deliveries: an HTTP POST of an EventNotification
 * `{ notificationId, eventId, eventCreatedAtUtc, notificationSentUtc, notificationType, payload }`,
 * signed with `X-Payload-Signature` = Base64(HMAC-SHA256(raw body, webhook secret)) — derived from and
 * checked against Volue's official test vector (test/fixtures/volue-webhook-test-vector). The receiver
 * on VOLUE_WEBHOOK_PATH verifies the signature over the raw bytes with a constant-time compare, refuses
 * a missing or bad one with 401 and records nothing, and keeps accepted notifications in memory
 * (newest first, bounded, deduplicated by notificationId). Memory is per process.
 */
export const VOLUE_WEBHOOK_PATH = '/webhooks/volue';
export const VOLUE_SIGNATURE_HEADER = 'x-payload-signature';

const log = createLogger('volue-webhooks');
const KNOWN_TYPES = new Set<string>(Object.values(VolueNotificationType));

/** True when `signature` is Base64(HMAC-SHA256(rawBody, secret)); compared in constant time. */
export function verifySignature(rawBody: Buffer, signature: string | undefined, secret: string): boolean {
  if (!signature || !secret) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(signature.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export class VolueNotificationStore {
  /** Newest first. */
  private readonly notifications: VolueNotification[] = [];
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 1000) {}

  record(body: Record<string, unknown>, receivedAt = new Date()): { notification: VolueNotification; duplicate: boolean } {
    const id = String(body.notificationId);
    const existing = this.ids.has(id) ? this.notifications.find((n) => n.id === id) : undefined;
    if (existing) return { notification: existing, duplicate: true };
    const type = String(body.notificationType);
    const notification = Object.assign(new VolueNotification(), {
      id,
      eventId: String(body.eventId),
      notificationType: (KNOWN_TYPES.has(type) ? type : VolueNotificationType.UNKNOWN) as VolueNotificationType,
      eventCreatedAt: toDate(body.eventCreatedAtUtc),
      sentAt: toDate(body.notificationSentUtc),
      receivedAt,
      payload: body.payload as Record<string, unknown>,
    });
    this.notifications.unshift(notification);
    this.ids.add(id);
    if (this.notifications.length > this.capacity) this.ids.delete(this.notifications.pop()!.id);
    return { notification, duplicate: false };
  }

  list(type?: VolueNotificationType | null): VolueNotification[] {
    return type ? this.notifications.filter((n) => n.notificationType === type) : [...this.notifications];
  }
}

/** Mounts the receiver: 200 on success (also a redelivery), 401 for a missing or bad signature, 400 for a malformed body. */
export function mountVolueWebhook(app: Express, store: VolueNotificationStore, secret: string): void {
  app.post(VOLUE_WEBHOOK_PATH, express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifySignature(raw, req.get(VOLUE_SIGNATURE_HEADER), secret)) {
      log.warn('refused a Volue webhook delivery with a missing or wrong X-Payload-Signature');
      res.status(401).json({ error: 'Missing or invalid X-Payload-Signature (Base64 HMAC-SHA256 of the body with the webhook secret).' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      res.status(400).json({ error: 'The body is not JSON.' });
      return;
    }
    const problem = notificationProblem(body);
    if (problem) {
      res.status(400).json({ error: `Not a Volue event notification: ${problem}` });
      return;
    }
    const { notification, duplicate } = store.record(body as Record<string, unknown>);
    log.debug(`${duplicate ? 'redelivery of' : 'received'} ${notification.notificationType} ${notification.id}`);
    res.status(200).json({ received: true });
  });
}

/** Why `body` is not an EventNotification, or null when it is one. */
export function notificationProblem(body: unknown): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON object';
  const notification = body as Record<string, unknown>;
  for (const key of ['notificationId', 'eventId', 'notificationType'] as const) {
    if (typeof notification[key] !== 'string' || !(notification[key] as string).trim()) return `"${key}" must be a non-empty string`;
  }
  const payload = notification.payload;
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return '"payload" must be an object';
  return null;
}

function toDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
