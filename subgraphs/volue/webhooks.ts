import type { Express, Request, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { Connection, ConnectionArgs } from '../../shared/graph/index.js';
import { createLogger } from '../../shared/observability/logger.js';
import type { Store } from '../../shared/store/index.js';
import {
  MAX_DELIVERY_ID_LENGTH,
  WebhookInbox,
  futureStampProblem,
  refuseDelivery,
  webhookReceiver,
  type InboxDelivery,
  type WebhookSettings,
} from '../../shared/subgraph/webhook-inbox.js';
import { VOLUE_NOTIFICATION_TYPE_ALIASES, VOLUE_SIGNATURE_HEADER, signPayload } from './contract.js';
import { typedPayload, VolueNotification, VolueNotificationType } from './schema/index.js';

/**
 * Volue's webhook deliveries: an HTTP POST of an EventNotification
 * `{ notificationId, eventId, eventCreatedAtUtc, notificationSentUtc, notificationType, payload }`,
 * signed with `X-Payload-Signature` = Base64(HMAC-SHA256(raw body, webhook secret)) — derived from and
 * checked against Volue's official test vector (test/fixtures/volue-webhook-test-vector). The receiver
 * on VOLUE_WEBHOOK_PATH verifies the signature over the raw bytes with a constant-time compare, refuses
 * a missing or bad one with 401 and records nothing, and keeps accepted notifications in the store's
 * webhook inbox (deduplicated by notificationId, for WEBHOOK_RETENTION_DAYS) before it answers, so every
 * replica sharing the store reads the same notifications.
 */
export const VOLUE_WEBHOOK_PATH = '/webhooks/volue';

const log = createLogger('volue-webhooks');
const KNOWN_TYPES = new Set<string>(Object.values(VolueNotificationType));

/** True when `signature` is Base64(HMAC-SHA256(rawBody, secret)); compared in constant time. */
export function verifySignature(rawBody: Buffer, signature: string | undefined, secret: string): boolean {
  if (!signature || !secret) return false;
  const expected = Buffer.from(signPayload(rawBody, secret), 'base64');
  const given = Buffer.from(signature.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Received Volue notifications, listed newest first in all and by notification type. */
export class VolueNotifications {
  private readonly inbox: WebhookInbox<Record<string, unknown>>;

  constructor(store: Store, retentionMs: number, now?: () => number) {
    this.inbox = new WebhookInbox(store, 'volue', retentionMs, now);
  }

  /** Keeps a notification; a redelivery of the same notificationId is acknowledged but not kept twice. */
  async record(body: Record<string, unknown>): Promise<{ notification: VolueNotification; duplicate: boolean }> {
    const { delivery, duplicate } = await this.inbox.record(String(body.notificationId), body, [{ name: `type:${typeOf(body)}` }]);
    return { notification: toNotification(delivery), duplicate };
  }

  list(type: VolueNotificationType | null | undefined, args: ConnectionArgs): Promise<Connection<VolueNotification>> {
    return this.inbox.connection(type ? `type:${type}` : 'all', args, toNotification);
  }
}

/**
 * Mounts the receiver (shared/subgraph/webhook-inbox.ts's webhookReceiver first): 200 once the
 * notification is stored (also a redelivery), 401 for a missing or bad signature, 400 for a malformed
 * body or a stamp in the future, 413 for a body over WEBHOOK_MAX_BODY_BYTES, 503 when the store failed
 * (Volue retries up to 3 times).
 */
export function mountVolueWebhook(
  app: Express,
  notifications: VolueNotifications,
  options: { secret: string; settings: WebhookSettings; now: () => number },
): void {
  const { secret, settings, now } = options;
  const receiver = webhookReceiver({
    provider: 'VOLUE',
    maxBodyBytes: settings.maxBodyBytes,
    verify: (req, raw) => verifySignature(raw, req.get(VOLUE_SIGNATURE_HEADER), secret),
    unverified: 'Missing or invalid X-Payload-Signature (Base64 HMAC-SHA256 of the body with the webhook secret).',
  });
  app.post(VOLUE_WEBHOOK_PATH, ...receiver, async (req: Request, res: Response) => {
    const body: unknown = req.body;
    const stamp = (name: string) => futureStampProblem(name, (body as Record<string, unknown>)[name], now(), settings.maxFutureSkewMs);
    const problem = notificationProblem(body) ?? stamp('eventCreatedAtUtc') ?? stamp('notificationSentUtc');
    if (problem) {
      refuseDelivery(res, 400, 'BAD_REQUEST', `Not a Volue event notification: ${problem}`);
      return;
    }
    try {
      const { notification, duplicate } = await notifications.record(body as Record<string, unknown>);
      log.debug(`${duplicate ? 'redelivery of' : 'received'} ${notification.notificationType} ${notification.id}`);
      res.status(200).json({ received: true });
    } catch (error) {
      log.error(
        `could not store Volue notification ${String((body as Record<string, unknown>).notificationId)}: ${(error as Error).message}`,
      );
      refuseDelivery(res, 503, 'UNAVAILABLE', 'The notification could not be stored; send it again.');
    }
  });
}

/** Why `body` is not an EventNotification, or null when it is one. */
export function notificationProblem(body: unknown): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON object';
  const notification = body as Record<string, unknown>;
  for (const key of ['notificationId', 'eventId', 'notificationType'] as const) {
    if (typeof notification[key] !== 'string' || !(notification[key] as string).trim()) return `"${key}" must be a non-empty string`;
  }
  if ((notification.notificationId as string).length > MAX_DELIVERY_ID_LENGTH) {
    return `"notificationId" must be at most ${MAX_DELIVERY_ID_LENGTH} characters`;
  }
  const payload = notification.payload;
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return '"payload" must be an object';
  return null;
}

/** The notification's type; the docs' spellings (LocationLPCCreated) read as the spec's. */
function typeOf(body: Record<string, unknown>): VolueNotificationType {
  const given = String(body.notificationType);
  const type = VOLUE_NOTIFICATION_TYPE_ALIASES[given] ?? given;
  return (KNOWN_TYPES.has(type) ? type : VolueNotificationType.UNKNOWN) as VolueNotificationType;
}

function toNotification({ id, body, receivedAt }: InboxDelivery<Record<string, unknown>>): VolueNotification {
  return Object.assign(new VolueNotification(), {
    id,
    eventId: String(body.eventId),
    notificationType: typeOf(body),
    eventCreatedAt: toDate(body.eventCreatedAtUtc),
    sentAt: toDate(body.notificationSentUtc),
    receivedAt: new Date(receivedAt),
    typedPayload: typedPayload(body.payload as Record<string, unknown>),
    payload: body.payload as Record<string, unknown>,
  });
}

function toDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
