import { randomUUID } from 'node:crypto';
import { createLogger } from '../../../shared/observability/logger.js';
import {
  VOLUE_NOTIFICATION_TYPE_OF_PAYLOAD,
  VOLUE_SIGNATURE_HEADER,
  signPayload,
  type VolueEventNotification,
  type VolueEventPayload,
  type VolueEventRecord,
} from '../contract.js';
import { SIMULATOR_TENANT_ID, type StoredWebhook, type StoredWebhookLog, type VolueSimulatorStore } from './store.js';
import { stamp } from './time.js';

const WEBHOOK_TIMEOUT_MS = 5_000;
const log = createLogger('volue-simulator');

/**
 * Volue's side of webhooks: stores a new event and POSTs it, signed with each webhook's secret, to every
 * enabled webhook that wants its notification type (empty = all); logs every delivery as
 * `GET /webhooks/logs` lists it and sets the webhook's status from the answer.
 */
export class VolueNotifier {
  constructor(
    private readonly store: VolueSimulatorStore,
    private readonly now: () => Date,
  ) {}

  async publish(payload: VolueEventPayload): Promise<VolueEventRecord> {
    const event: VolueEventRecord = { id: this.store.nextId('event'), createdAt: stamp(this.now()), payload };
    this.store.events.unshift(event);
    const type = VOLUE_NOTIFICATION_TYPE_OF_PAYLOAD[payload.payloadType];
    const targets = [...this.store.webhooks.values()].filter(
      (webhook) => webhook.enabled && (webhook.notificationTypes.length === 0 || webhook.notificationTypes.includes(type)),
    );
    await Promise.all(targets.map((webhook) => this.deliver(webhook, this.notificationFor(event))));
    return event;
  }

  /** POSTs one notification to one webhook; the outcome is logged, never thrown. */
  private async deliver(webhook: StoredWebhook, notification: VolueEventNotification): Promise<StoredWebhookLog> {
    const body = JSON.stringify(notification);
    const signature = webhook.webhookSecret ? signPayload(body, webhook.webhookSecret) : null;
    const entry: StoredWebhookLog = {
      log: {
        webhookId: webhook.webhookId,
        tenantId: SIMULATOR_TENANT_ID,
        webhookUrl: webhook.webhookUrl,
        partnerEventId: notification.eventId,
        notificationId: notification.notificationId,
        notificationType: notification.notificationType,
        notificationSent: notification.notificationSentUtc,
        sparkSignature: signature,
        requestTimeout: false,
        responseStatusCode: null,
        requestDurationMs: null,
      },
      content: body,
    };
    this.store.webhookLogs.unshift(entry);
    const started = performance.now();
    try {
      const response = await fetch(webhook.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature ? { [VOLUE_SIGNATURE_HEADER]: signature } : {}) },
        body,
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      entry.log.responseStatusCode = response.status;
      webhook.status = response.ok ? 'Healthy' : 'Unhealthy';
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      entry.log.requestTimeout = timedOut;
      webhook.status = timedOut ? 'TimeOut' : 'Unhealthy';
      log.warn(`webhook ${webhook.webhookId} to ${webhook.webhookUrl} failed: ${(error as Error).message}`);
    }
    entry.log.requestDurationMs = Math.round(performance.now() - started);
    webhook.lastAnalyzedTimestamp = stamp(this.now());
    return entry;
  }

  private notificationFor(event: VolueEventRecord): VolueEventNotification {
    return {
      notificationId: randomUUID(),
      eventId: event.id,
      eventCreatedAtUtc: event.createdAt,
      notificationSentUtc: stamp(this.now()),
      notificationType: VOLUE_NOTIFICATION_TYPE_OF_PAYLOAD[event.payload.payloadType],
      payload: event.payload,
    };
  }
}
