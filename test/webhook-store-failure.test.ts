import { receiverApps } from './support/receivers.js';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../shared/store/index.js';
import { readWebhookSettings } from '../shared/subgraph/webhook-inbox.js';
import { OPENVOLT_WEBHOOK_PATH, OpenvoltEvents, mountOpenvoltWebhook } from '../subgraphs/openvolt/webhooks.js';
import { VOLUE_SIGNATURE_HEADER, signPayload } from '../subgraphs/volue/contract.js';
import { VOLUE_WEBHOOK_PATH, VolueNotifications, mountVolueWebhook } from '../subgraphs/volue/webhooks.js';

/**
 * A receiver answers 2xx only once the delivery is in the store: while the store fails it answers 503
 * (the provider delivers again), and the redelivery after the store recovered is kept once.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const { serve, closeAll } = receiverApps();
afterAll(closeAll);

/** A store whose writes fail until `heal()`. */
function brokenStore() {
  const store = new MemoryStore();
  const setIfAbsent = store.setIfAbsent.bind(store);
  store.setIfAbsent = async () => {
    throw new Error('No space left on device');
  };
  return Object.assign(store, { heal: () => void (store.setIfAbsent = setIfAbsent) });
}

describe('when the store fails', () => {
  it('the Openvolt receiver answers 503 and keeps the redelivery once the store is back', async () => {
    const store = brokenStore();
    const events = new OpenvoltEvents(store, 30 * DAY_MS);
    const receiver = { token: 'store-failure-token', settings: readWebhookSettings({}), now: Date.now };
    const url = (await serve((app) => mountOpenvoltWebhook(app, events, receiver))) + `${OPENVOLT_WEBHOOK_PATH}?token=store-failure-token`;
    const deliver = () =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ event_id: 'customer.created', event_timestamp: '2026-11-20T06:00:00Z', delivery_id: 'd-9', payload: {} }),
      });
    const refused = await deliver();
    expect(refused.status).toBe(503);
    expect(await refused.text()).not.toMatch(/No space|at .*\.ts/);
    expect((await events.list({}, { first: 10 })).totalCount).toBe(0);
    store.heal();
    expect((await deliver()).status).toBe(204);
    expect((await deliver()).status).toBe(204);
    expect((await events.list({}, { first: 10 })).nodes.map((event) => event.id)).toEqual(['d-9']);
  });

  it('the Volue receiver answers 503 and keeps the redelivery once the store is back', async () => {
    const store = brokenStore();
    const notifications = new VolueNotifications(store, 30 * DAY_MS);
    const secret = 'store-failure-secret';
    const receiver = { secret, settings: readWebhookSettings({}), now: Date.now };
    const url = (await serve((app) => mountVolueWebhook(app, notifications, receiver))) + VOLUE_WEBHOOK_PATH;
    const body = JSON.stringify({ notificationId: 'n-9', eventId: 'e-9', notificationType: 'PriceCurveCreated', payload: {} });
    const deliver = () =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [VOLUE_SIGNATURE_HEADER]: signPayload(Buffer.from(body), secret) },
        body,
      });
    expect((await deliver()).status).toBe(503);
    expect((await notifications.list(null, { first: 10 })).totalCount).toBe(0);
    store.heal();
    expect((await deliver()).status).toBe(200);
    expect((await deliver()).status).toBe(200);
    expect((await notifications.list(null, { first: 10 })).nodes.map((notification) => notification.id)).toEqual(['n-9']);
  });
});
