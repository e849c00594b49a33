import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { createLogger } from '../../../shared/observability/logger.js';
import { HttpError, uuidFromSeed } from '../../../shared/simulator/index.js';
import type { OpenvoltEventType, OpenvoltMeterDataReceivedItem, OpenvoltWebhookEnvelope } from '../contract.js';
import type { OpenvoltSimulatorStore } from './store.js';

const WEBHOOK_TIMEOUT_MS = 5_000;

/** Openvolt's webhook deliveries (CONTRACT.md, "Webhooks"): after the API answer, one try, no signature. */
export class WebhookSender {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly log = createLogger('openvolt-simulator');

  constructor(
    public url: string | undefined,
    private readonly now: () => Date,
  ) {}

  /** POSTs Openvolt's envelope; failures are logged, never thrown, so the API call that caused it succeeds. */
  send(eventId: OpenvoltEventType, payload: unknown): Promise<void> {
    if (!this.url) return Promise.resolve();
    const delivery = this.post(this.url, eventId, payload).finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
    return delivery;
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async post(url: string, eventId: OpenvoltEventType, payload: unknown): Promise<void> {
    const envelope: OpenvoltWebhookEnvelope = {
      subscription_id: uuidFromSeed(`openvolt:subscription:${eventId}`),
      event_id: eventId,
      event_timestamp: this.now().toISOString(),
      delivery_id: randomUUID(),
      payload,
    };
    // Origin and path only: a query string may carry the receiver's token.
    const { origin, pathname } = new URL(url);
    const target = `${origin}${pathname}`;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(envelope),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (!response.ok) this.log.warn(`webhook ${eventId} to ${target} was answered ${response.status}`);
    } catch (error) {
      // fetch reports "fetch failed"; the reason (ECONNREFUSED, …) is in its cause.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      this.log.warn(`webhook ${eventId} to ${target} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
  }
}

/** POSTs a `meter_data.received` delivery of `items`: 400 for a malformed item, 404 for an unknown meter, 409 without a URL. */
export async function deliverMeterDataReceived(store: OpenvoltSimulatorStore, webhooks: WebhookSender, items: unknown): Promise<void> {
  if (!Array.isArray(items) || items.length === 0)
    throw new HttpError(400, 'Expected a non-empty array of { meter_id, start_interval, end_interval }');
  const payload = items.map((item: unknown, index): OpenvoltMeterDataReceivedItem => {
    const fields = (item ?? {}) as Record<string, unknown>;
    const meterId = fields.meter_id;
    if (typeof meterId !== 'string') throw new HttpError(400, `Item ${index}: meter_id must be a string`);
    if (!store.meters.has(meterId)) throw new HttpError(404, `No meter with _id ${meterId}`);
    const start = DateTime.fromISO(String(fields.start_interval), { zone: 'utc' });
    const end = DateTime.fromISO(String(fields.end_interval), { zone: 'utc' });
    if (!start.isValid || !end.isValid || start >= end) {
      throw new HttpError(400, `Item ${index}: start_interval and end_interval must be ISO 8601 times, start before end`);
    }
    return { meter_id: meterId, start_interval: start.toJSDate().toISOString(), end_interval: end.toJSDate().toISOString() };
  });
  if (!webhooks.url) throw new HttpError(409, 'No webhook URL is configured');
  await webhooks.send('meter_data.received', payload);
}

/**
 * Openvolt's daily pull: every active meter gets the last full UTC day of data (by the simulator's clock),
 * its `last_data_pull_*` fields move, and one `meter_data.received` delivery lists them all (Openvolt's
 * payload is an array of `{meter_id, start_interval, end_interval}`). Without a webhook URL the pull still
 * happens; nothing is sent.
 */
export function pullDailyData(store: OpenvoltSimulatorStore, webhooks: WebhookSender, now: () => Date): Promise<void> {
  const pulledAt = now();
  const end = DateTime.fromJSDate(pulledAt, { zone: 'utc' }).startOf('day');
  const interval = { start_interval: end.minus({ days: 1 }).toJSDate().toISOString(), end_interval: end.toJSDate().toISOString() };
  const items: OpenvoltMeterDataReceivedItem[] = [];
  for (const meter of store.meters.values()) {
    if (meter.status !== 'active' || meter.validity_state.is_disabled_by_user) continue;
    meter.last_data_pull_date = pulledAt.toISOString();
    meter.last_data_pull_status = 'success';
    items.push({ meter_id: meter._id, ...interval });
  }
  return items.length > 0 ? webhooks.send('meter_data.received', items) : Promise.resolve();
}
