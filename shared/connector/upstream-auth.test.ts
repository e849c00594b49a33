import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/index.js';
import { createCredentialCache, credentialKey } from './upstream-auth.js';

/** The credential cache: reuse, renewal before expiry, single flight, invalidation of stale values only. */
describe('createCredentialCache', () => {
  function setup(lifetimeSeconds?: number) {
    let clock = 0;
    let count = 0;
    const cache = createCredentialCache({
      obtain: async () => ({ value: `v${++count}`, expiresInSeconds: lifetimeSeconds }),
      refreshMarginMs: 30_000,
      now: () => clock,
    });
    return { cache, advance: (ms: number) => (clock += ms) };
  }

  it('reuses the credential until shortly before it expires', async () => {
    const { cache, advance } = setup(300);
    expect(await cache.get()).toBe('v1');
    advance(269_000);
    expect(await cache.get()).toBe('v1');
    advance(1_000); // 30 s before expiry
    expect(await cache.get()).toBe('v2');
    expect(cache.obtained).toBe(2);
  });

  it('renews a credential shorter-lived than the margin at half its life', async () => {
    const { cache, advance } = setup(20);
    await cache.get();
    advance(9_999);
    expect(await cache.get()).toBe('v1');
    advance(1);
    expect(await cache.get()).toBe('v2');
  });

  it('keeps a credential without a lifetime until it is invalidated', async () => {
    const { cache, advance } = setup(undefined);
    await cache.get();
    advance(10 * 24 * 3600_000);
    expect(await cache.get()).toBe('v1');
    cache.invalidate('v1');
    expect(await cache.get()).toBe('v2');
  });

  it('shares one obtain among concurrent callers, and ignores invalidation of an already replaced value', async () => {
    const { cache } = setup(300);
    const values = await Promise.all(Array.from({ length: 10 }, () => cache.get()));
    expect(new Set(values)).toEqual(new Set(['v1']));
    cache.invalidate('v1');
    await cache.get();
    cache.invalidate('v1'); // a late refusal of the old value must not drop v2
    expect(await cache.get()).toBe('v2');
    expect(cache.obtained).toBe(2);
  });

  it('passes a failed obtain to every waiter and tries again on the next call', async () => {
    let attempt = 0;
    const cache = createCredentialCache({
      obtain: async () => {
        if (++attempt === 1) throw new Error('login refused');
        return { value: 'ok', expiresInSeconds: 60 };
      },
    });
    const results = await Promise.allSettled([cache.get(), cache.get()]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(await cache.get()).toBe('ok');
  });
});

/** Two replicas' caches on one store: one login between them, and a refused credential replaced once. */
describe('createCredentialCache with a shared store', () => {
  function replicas() {
    const store = new MemoryStore();
    let logins = 0;
    const make = () =>
      createCredentialCache({
        obtain: async () => {
          await new Promise((resolve) => setTimeout(resolve, 5)); // a login takes a moment; others wait for it
          return { value: `token-${++logins}`, expiresInSeconds: 3600 };
        },
        shared: { store, key: credentialKey('TEST', 'client-id', 'secret') },
      });
    return { a: make(), b: make(), logins: () => logins };
  }

  it('obtains once for both replicas, also when they ask at the same time', async () => {
    const { a, b, logins } = replicas();
    expect(await Promise.all([a.get(), b.get(), a.get(), b.get()])).toEqual(['token-1', 'token-1', 'token-1', 'token-1']);
    expect(logins()).toBe(1);
    expect(a.obtained + b.obtained).toBe(1);
  });

  it('after both replicas are refused the token, obtains one new token for both', async () => {
    const { a, b, logins } = replicas();
    const stale = await a.get();
    await b.get();
    a.invalidate(stale);
    b.invalidate(stale);
    expect(await Promise.all([a.get(), b.get()])).toEqual(['token-2', 'token-2']);
    expect(logins()).toBe(2);
  });

  it('keys credentials by provider and identity without containing the secret', () => {
    const key = credentialKey('VOLUE', 'id', 'top-secret');
    expect(key).not.toContain('top-secret');
    expect(key).not.toBe(credentialKey('VOLUE', 'id', 'other-secret'));
  });
});
