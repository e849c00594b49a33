import { randomUUID } from 'node:crypto';
import { createLogger } from '../../../shared/observability/logger.js';
import {
  VOLUE_NOTIFICATION_TYPE_OF_PAYLOAD,
  VOLUE_SIGNATURE_HEADER,
  signPayload,
  type VolueEventNotification,
  type VolueEventRecord,
} from '../contract.js';
import { priceCurvePayload, userEligibilityPayload } from './seed.js';
import type { StoredWebhook, VolueNotificationDelivery, VolueSimulatorStore } from './store.js';
import { stamp } from './time.js';

const WEBHOOK_TIMEOUT_MS = 5_000;
const log = createLogger('volue-simulator');

/** The event types the simulation routes create. */
export type SimulatedEventType = 'PriceCurve' | 'UserEligibility';

/**
 * Volue's side of webhooks: creates events as the simulation routes do and POSTs each, signed with the
 * webhook's secret, to every enabled webhook that wants its notification type; records every delivery
 * and the webhook's resulting status.
 */
export class VolueNotifier {
  constructor(
    private readonly store: VolueSimulatorStore,
    private readonly now: () => Date,
  ) {}

  async createEvent(payloadType: SimulatedEventType): Promise<VolueEventRecord> {
    const id = this.store.nextId('event');
    const at = this.now();
    const event: VolueEventRecord = {
      id,
      createdAt: stamp(at),
      payload: payloadType === 'PriceCurve' ? priceCurvePayload(id, at) : userEligibilityPayload(this.store.users, at),
    };
    this.store.events.unshift(event);
    const type = VOLUE_NOTIFICATION_TYPE_OF_PAYLOAD[payloadType]!;
    const targets = [...this.store.webhooks.values()].filter(
      (webhook) => webhook.enabled && (webhook.notificationTypes.length === 0 || webhook.notificationTypes.includes(type)),
    );
    await Promise.all(targets.map((webhook) => this.deliver(webhook, this.notificationFor(event))));
    return event;
  }

  /** POSTs one notification to one webhook; a failure is recorded, never thrown. */
  async deliver(webhook: StoredWebhook, notification: VolueEventNotification): Promise<VolueNotificationDelivery> {
    const body = JSON.stringify(notification);
    const signature = webhook.webhookSecret ? signPayload(body, webhook.webhookSecret) : null;
    const delivery: VolueNotificationDelivery = {
      webhookId: webhook.webhookId,
      notificationId: notification.notificationId,
      url: webhook.webhookUrl,
      signature,
      responseStatusCode: null,
    };
    this.store.deliveries.push(delivery);
    try {
      const response = await fetch(webhook.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature ? { [VOLUE_SIGNATURE_HEADER]: signature } : {}) },
        body,
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      delivery.responseStatusCode = response.status;
      webhook.status = response.ok ? 'Healthy' : 'Unhealthy';
    } catch (error) {
      webhook.status = (error as Error).name === 'TimeoutError' ? 'TimeOut' : 'Unhealthy';
      log.warn(`webhook ${webhook.webhookId} to ${webhook.webhookUrl} failed: ${(error as Error).message}`);
    }
    webhook.lastAnalyzedTimestamp = stamp(this.now());
    return delivery;
  }

  private notificationFor(event: VolueEventRecord): VolueEventNotification {
    return {
      notificationId: randomUUID(),
      eventId: event.id,
      eventCreatedAtUtc: event.createdAt,
      notificationSentUtc: stamp(this.now()),
      notificationType: VOLUE_NOTIFICATION_TYPE_OF_PAYLOAD[event.payload.payloadType] ?? 'Unknown',
      payload: event.payload,
    };
  }
}
