import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { MemoryStore } from '../store/index.js';
import { WebhookInbox, futureStampProblem, readWebhookSettings, type InboxDelivery } from './webhook-inbox.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const ids = (connection: { nodes: string[] }) => connection.nodes;
const id = (delivery: InboxDelivery<unknown>) => delivery.id;

function inbox(retentionMs = 30 * DAY_MS) {
  const clock = { now: 1_700_000_000_000 };
  const store = new MemoryStore(() => clock.now);
  return { clock, store, inbox: new WebhookInbox<{ n: number }>(store, 'test', retentionMs, () => clock.now) };
}

describe('WebhookInbox', () => {
  it('keeps a delivery once: a redelivery of the same id is a duplicate and keeps the first body and time', async () => {
    const { clock, inbox: box } = inbox();
    const first = await box.record('d-1', { n: 1 });
    clock.now += 1_000;
    const again = await box.record('d-1', { n: 2 });
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ duplicate: true, delivery: first.delivery });
    const all = await box.connection('all', { first: 10 }, (delivery) => delivery);
    expect(all.totalCount).toBe(1);
    expect(all.nodes).toEqual([{ id: 'd-1', receivedAt: clock.now - 1_000, body: { n: 1 } }]);
  });

  it('lists newest first, in all and in the lists named, a page at a time', async () => {
    const { clock, inbox: box } = inbox();
    for (const [n, list] of [
      [1, 'odd'],
      [2, 'even'],
      [3, 'odd'],
      [4, 'even'],
      [5, 'odd'],
    ] as const) {
      clock.now += 1_000;
      await box.record(`d-${n}`, { n }, [{ name: list }]);
    }
    expect(ids(await box.connection('all', { first: 10 }, id))).toEqual(['d-5', 'd-4', 'd-3', 'd-2', 'd-1']);
    const page = await box.connection('odd', { first: 2 }, id);
    expect(page).toMatchObject({ nodes: ['d-5', 'd-3'], totalCount: 3, pageInfo: { hasNextPage: true } });
    const next = await box.connection('odd', { first: 2, after: page.pageInfo.endCursor }, id);
    expect(next).toMatchObject({ nodes: ['d-1'], totalCount: 3, pageInfo: { hasNextPage: false } });
    expect(ids(await box.connection('none', { first: 2 }, id))).toEqual([]);
  });

  it('gives the highest score of a list, and forgets deliveries and scores after the retention', async () => {
    const { clock, inbox: box } = inbox(10 * DAY_MS);
    const start = clock.now;
    await box.record('old', { n: 1 }, [{ name: 'data', score: start - 5 * DAY_MS }]);
    clock.now += 3 * DAY_MS;
    await box.record('new', { n: 2 }, [{ name: 'data', score: start - DAY_MS }]);
    expect(await box.latest('data')).toBe(start - DAY_MS);
    clock.now = start + 8 * DAY_MS; // both received within 10 days; the newer score is 9 days old
    expect(ids(await box.connection('all', { first: 10 }, id))).toEqual(['new', 'old']);
    expect(await box.latest('data')).toBe(start - DAY_MS);
    clock.now = start + 10 * DAY_MS; // "old" was received 10 days ago; the newer score is 11 days old
    expect(await box.connection('all', { first: 10 }, id)).toMatchObject({ nodes: ['new'], totalCount: 1 });
    expect(await box.latest('data')).toBeUndefined();
    clock.now = start + 13 * DAY_MS;
    expect(await box.connection('all', { first: 10 }, id)).toMatchObject({ nodes: [], totalCount: 0 });
    expect(await box.latest('data')).toBeUndefined();
    // Forgotten for good: the same id arriving again is a new delivery.
    expect((await box.record('old', { n: 3 })).duplicate).toBe(false);
  });

  it('fails when the store fails, and a redelivery completes what the failed attempt left halfway', async () => {
    const { store, inbox: box } = inbox();
    const addToIndex = store.addToIndex.bind(store);
    store.addToIndex = async () => {
      throw new Error('disk full');
    };
    await expect(box.record('d-1', { n: 1 }, [{ name: 'type:x' }])).rejects.toThrow('disk full');
    store.addToIndex = addToIndex;
    expect(await box.record('d-1', { n: 1 }, [{ name: 'type:x' }])).toMatchObject({ duplicate: true });
    expect(ids(await box.connection('type:x', { first: 10 }, id))).toEqual(['d-1']);
    expect(ids(await box.connection('all', { first: 10 }, id))).toEqual(['d-1']);
  });
});

describe('readWebhookSettings', () => {
  it('keeps deliveries 30 days by default, WEBHOOK_RETENTION_DAYS otherwise, and refuses a value out of range', () => {
    const retention = (days?: string) => readWebhookSettings(days === undefined ? {} : { WEBHOOK_RETENTION_DAYS: days }).retentionMs;
    expect(retention()).toBe(30 * DAY_MS);
    expect(retention('7')).toBe(7 * DAY_MS);
    expect(retention('0.5')).toBe(DAY_MS / 2);
    expect(() => retention('0')).toThrow(ConfigError);
    expect(() => retention('forever')).toThrow(/WEBHOOK_RETENTION_DAYS/);
  });

  it('limits bodies to 256 kB and stamps to 5 minutes ahead by default', () => {
    expect(readWebhookSettings({})).toMatchObject({ maxBodyBytes: 262_144, maxFutureSkewMs: 300_000 });
    expect(readWebhookSettings({ WEBHOOK_MAX_BODY_BYTES: '4096', WEBHOOK_MAX_FUTURE_SKEW_S: '0' })).toMatchObject({
      maxBodyBytes: 4096,
      maxFutureSkewMs: 0,
    });
  });
});

describe('futureStampProblem', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');
  it('believes a stamp in the past or within the skew ahead, and an absent one', () => {
    expect(futureStampProblem('at', '2020-01-01T00:00:00Z', now, 300_000)).toBeNull();
    expect(futureStampProblem('at', '2026-11-30T12:05:00Z', now, 300_000)).toBeNull();
    expect(futureStampProblem('at', undefined, now, 300_000)).toBeNull();
  });

  it('refuses a stamp beyond the skew ahead, and one that is no time', () => {
    expect(futureStampProblem('event_timestamp', '2026-11-30T12:05:01Z', now, 300_000)).toMatch(
      /"event_timestamp" 2026-11-30T12:05:01Z lies in the future .*WEBHOOK_MAX_FUTURE_SKEW_S/,
    );
    expect(futureStampProblem('at', '2030-01-01T00:00:00Z', now, 0)).toMatch(/lies in the future/);
    expect(futureStampProblem('at', 'soon', now, 0)).toMatch(/must be an ISO 8601 time/);
    expect(futureStampProblem('at', 1_900_000_000_000, now, 0)).toMatch(/must be an ISO 8601 time/);
  });
});
