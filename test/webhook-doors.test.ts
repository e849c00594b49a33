import { receiverApps } from './support/receivers.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../shared/store/index.js';
import { readWebhookSettings } from '../shared/subgraph/webhook-inbox.js';
import { OPENVOLT_WEBHOOK_PATH, OpenvoltEvents, mountOpenvoltWebhook } from '../subgraphs/openvolt/webhooks.js';
import { VOLUE_SIGNATURE_HEADER, signPayload } from '../subgraphs/volue/contract.js';
import { VOLUE_WEBHOOK_PATH, VolueNotifications, mountVolueWebhook } from '../subgraphs/volue/webhooks.js';

/**
 * The webhook receivers' doors (shared/subgraph/webhook-inbox.ts's webhookReceiver): a delivery is kept
 * only when it carries the provider's token or signature, its body is within WEBHOOK_MAX_BODY_BYTES and
 * its stamps are not beyond WEBHOOK_MAX_FUTURE_SKEW_S ahead of the server's clock. Every refusal is JSON
 * with a code, and records nothing.
 */

const NOW = Date.parse('2026-11-30T12:00:00Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const TOKEN = 'doors-openvolt-token';
const SECRET = 'doors-volue-secret';
const settings = readWebhookSettings({ WEBHOOK_MAX_BODY_BYTES: '4096', WEBHOOK_MAX_FUTURE_SKEW_S: '60' });
const METER = '6514167223e3d1424bf82742';

const { serve, closeAll } = receiverApps();
const openvolt = new OpenvoltEvents(new MemoryStore(), 30 * DAY_MS, { now: () => NOW });
const unconfigured = new OpenvoltEvents(new MemoryStore(), 30 * DAY_MS, { now: () => NOW });
const volue = new VolueNotifications(new MemoryStore(), 30 * DAY_MS, () => NOW);
let url: { openvolt: string; unconfigured: string; volue: string };

beforeAll(async () => {
  url = {
    openvolt:
      (await serve((app) => mountOpenvoltWebhook(app, openvolt, { token: TOKEN, settings, now: () => NOW }))) + OPENVOLT_WEBHOOK_PATH,
    unconfigured:
      (await serve((app) => mountOpenvoltWebhook(app, unconfigured, { token: undefined, settings, now: () => NOW }))) +
      OPENVOLT_WEBHOOK_PATH,
    volue: (await serve((app) => mountVolueWebhook(app, volue, { secret: SECRET, settings, now: () => NOW }))) + VOLUE_WEBHOOK_PATH,
  };
});
afterAll(closeAll);

const envelope = (deliveryId: string, eventTimestamp = '2026-11-30T11:00:00.000Z') => ({
  subscription_id: '3f9d7f3e-0000-4000-8000-000000000001',
  event_id: 'meter_data.received',
  event_timestamp: eventTimestamp,
  delivery_id: deliveryId,
  payload: [{ meter_id: METER, start_interval: '2026-11-29T00:00:00.000Z', end_interval: '2026-11-30T00:00:00.000Z' }],
});

const notification = (id: string, createdAt = '2026-11-30T11:00:00Z') =>
  JSON.stringify({
    notificationId: id,
    eventId: `e-${id}`,
    eventCreatedAtUtc: createdAt,
    notificationSentUtc: '2026-11-30T11:00:01Z',
    notificationType: 'PriceCurveCreated',
    payload: {},
  });

async function post(target: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
}

const kept = async () => ({
  openvolt: (await openvolt.list({}, { first: 50 })).nodes.map((event) => event.id),
  unconfigured: (await unconfigured.list({}, { first: 50 })).totalCount,
  volue: (await volue.list(null, { first: 50 })).nodes.map((each) => each.id),
});

describe('Openvolt receiver', () => {
  it('refuses a delivery without the token, with a wrong one, and every delivery when no token is configured', async () => {
    for (const target of [
      url.openvolt,
      `${url.openvolt}?token=guess`,
      `${url.unconfigured}?token=`,
      `${url.unconfigured}?token=${TOKEN}`,
    ]) {
      const answer = await post(target, JSON.stringify(envelope('unsigned')));
      expect(answer, target).toMatchObject({ status: 401, body: refusal('UNAUTHENTICATED') });
      expect(answer.type).toMatch(/^application\/json/);
    }
    expect((await kept()).openvolt).not.toContain('unsigned');
    expect((await kept()).unconfigured).toBe(0);
  });

  it('refuses the 2030 delivery, stamped beyond the skew ahead, and keeps one within it', async () => {
    expect(await post(`${url.openvolt}?token=${TOKEN}`, JSON.stringify(envelope('d-2030', '2030-01-01T00:00:00.000Z')))).toMatchObject({
      status: 400,
      body: refusal('BAD_REQUEST', expect.stringMatching(/"event_timestamp" 2030-01-01T00:00:00.000Z lies in the future/)),
    });
    expect(await openvolt.lastDataReceivedAt(METER)).toBeNull();
    expect((await post(`${url.openvolt}?token=${TOKEN}`, JSON.stringify(envelope('d-skewed', '2026-11-30T12:00:59.000Z')))).status).toBe(
      204,
    );
    expect((await openvolt.lastDataReceivedAt(METER))?.toISOString()).toBe('2026-11-30T12:00:59.000Z');
    expect((await kept()).openvolt).toEqual(['d-skewed']);
  });

  it('refuses a body over the limit with 413 and one that is not JSON with 400, both as JSON', async () => {
    const large = JSON.stringify({ ...envelope('d-large'), padding: 'x'.repeat(5_000) });
    expect(await post(`${url.openvolt}?token=${TOKEN}`, large)).toMatchObject({ status: 413, body: refusal('PAYLOAD_TOO_LARGE') });
    expect(await post(`${url.openvolt}?token=${TOKEN}`, '{"event_id": ')).toMatchObject({ status: 400, body: refusal('BAD_REQUEST') });
    expect((await kept()).openvolt).not.toContain('d-large');
  });
});

/** A refusal as every server answers one: a GraphQL-style error with its code and the request id. */
function refusal(code: string, message: unknown = expect.any(String)) {
  return { errors: [{ message, extensions: { code, requestId: expect.any(String) } }] };
}

describe('Volue receiver', () => {
  const signed = (body: string) => ({ [VOLUE_SIGNATURE_HEADER]: signPayload(Buffer.from(body), SECRET) });

  it('keeps a signed notification; refuses an unsigned one or one signed with another secret', async () => {
    const body = notification('n-1');
    expect((await post(url.volue, body)).status).toBe(401);
    expect((await post(url.volue, body, { [VOLUE_SIGNATURE_HEADER]: signPayload(Buffer.from(body), 'guess') })).body).toMatchObject(
      refusal('UNAUTHENTICATED'),
    );
    expect((await post(url.volue, body, signed(body))).status).toBe(200);
    expect((await kept()).volue).toEqual(['n-1']);
  });

  it('refuses a signed notification created or sent beyond the skew ahead', async () => {
    const future = notification('n-2030', '2030-01-01T00:00:00Z');
    expect(await post(url.volue, future, signed(future))).toMatchObject({
      status: 400,
      body: refusal('BAD_REQUEST', expect.stringMatching(/"eventCreatedAtUtc" 2030-01-01T00:00:00Z lies in the future/)),
    });
    expect((await kept()).volue).not.toContain('n-2030');
  });

  it('refuses a body over the limit with 413 before checking its signature', async () => {
    const large = JSON.stringify({ ...JSON.parse(notification('n-large')), padding: 'x'.repeat(5_000) });
    expect(await post(url.volue, large, signed(large))).toMatchObject({ status: 413, body: refusal('PAYLOAD_TOO_LARGE') });
  });
});
