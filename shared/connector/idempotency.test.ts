import { describe, expect, it } from 'vitest';
import { BadUserInputError, UpstreamRejectedError, UpstreamTimeoutError } from '../graph/errors.js';
import { idempotent, stableJson } from './idempotency.js';
import { MemoryStore } from '../store/index.js';

// A fake provider: counts writes, and can commit and still time out (the lost answer).
function provider() {
  const committed: string[] = [];
  let writes = 0;
  let mode: 'ok' | 'commit-then-timeout' | 'reject' | 'timeout-before-commit' = 'ok';
  return {
    committed,
    get writes() {
      return writes;
    },
    setMode(next: typeof mode) {
      mode = next;
    },
    async write(name: string) {
      writes++;
      if (mode === 'reject') throw new UpstreamRejectedError('no', { provider: 'VOLUE', upstreamStatus: 400 });
      if (mode === 'timeout-before-commit') throw new UpstreamTimeoutError('slow', { provider: 'VOLUE' });
      committed.push(name);
      if (mode === 'commit-then-timeout') throw new UpstreamTimeoutError('slow', { provider: 'VOLUE' });
      return { id: `id-${committed.length}`, name };
    },
    async find(name: string) {
      const index = committed.indexOf(name);
      return index < 0 ? undefined : { id: `id-${index + 1}`, name };
    },
  };
}

function run(store: MemoryStore, p: ReturnType<typeof provider>, key: string | null, name: string, withReconcile = true) {
  return idempotent({
    store,
    provider: 'VOLUE',
    operation: 'registerThing',
    key,
    payload: { name },
    perform: () => p.write(name),
    reconcile: withReconcile ? () => p.find(name) : undefined,
  });
}

describe('idempotent', () => {
  it('without a key, writes every time', async () => {
    const store = new MemoryStore();
    const p = provider();
    await run(store, p, null, 'a');
    await run(store, p, null, 'a');
    expect(p.writes).toBe(2);
  });

  it('with the same key, returns the first result and writes once, also for concurrent retries', async () => {
    const store = new MemoryStore();
    const p = provider();
    const results = await Promise.all([run(store, p, 'k1', 'a'), run(store, p, 'k1', 'a'), run(store, p, 'k1', 'a')]);
    expect(results).toEqual([
      { id: 'id-1', name: 'a' },
      { id: 'id-1', name: 'a' },
      { id: 'id-1', name: 'a' },
    ]);
    expect(p.writes).toBe(1);
    expect(await run(store, p, 'k2', 'b')).toEqual({ id: 'id-2', name: 'b' });
    expect(p.writes).toBe(2);
  });

  it('refuses the same key with different arguments, without writing', async () => {
    const store = new MemoryStore();
    const p = provider();
    await run(store, p, 'k', 'a');
    await expect(run(store, p, 'k', 'b')).rejects.toThrow(BadUserInputError);
    expect(p.writes).toBe(1);
  });

  it('after a timeout that committed, the retry finds the committed object and writes nothing', async () => {
    const store = new MemoryStore();
    const p = provider();
    p.setMode('commit-then-timeout');
    await expect(run(store, p, 'k', 'a')).rejects.toThrow(UpstreamTimeoutError);
    p.setMode('ok');
    expect(await run(store, p, 'k', 'a')).toEqual({ id: 'id-1', name: 'a' });
    expect(await run(store, p, 'k', 'a')).toEqual({ id: 'id-1', name: 'a' });
    expect(p.writes).toBe(1);
    expect(p.committed).toEqual(['a']);
  });

  it('after a timeout that did not commit, the retry writes', async () => {
    const store = new MemoryStore();
    const p = provider();
    p.setMode('timeout-before-commit');
    await expect(run(store, p, 'k', 'a')).rejects.toThrow(UpstreamTimeoutError);
    p.setMode('ok');
    expect(await run(store, p, 'k', 'a')).toEqual({ id: 'id-1', name: 'a' });
    expect(p.committed).toEqual(['a']);
  });

  it('after a definite refusal, frees the key for a corrected retry', async () => {
    const store = new MemoryStore();
    const p = provider();
    p.setMode('reject');
    await expect(run(store, p, 'k', 'a')).rejects.toThrow(UpstreamRejectedError);
    p.setMode('ok');
    expect(await run(store, p, 'k', 'b')).toEqual({ id: 'id-1', name: 'b' });
  });

  it('without a way to reconcile, an unknown outcome is reported instead of writing again', async () => {
    const store = new MemoryStore();
    const p = provider();
    p.setMode('commit-then-timeout');
    await expect(run(store, p, 'k', 'a', false)).rejects.toThrow(UpstreamTimeoutError);
    p.setMode('ok');
    await expect(run(store, p, 'k', 'a', false)).rejects.toMatchObject({ extensions: { reason: 'IDEMPOTENCY_OUTCOME_UNKNOWN' } });
    expect(p.writes).toBe(1);
  });

  it('refuses empty, overlong and control-character keys', async () => {
    const store = new MemoryStore();
    const p = provider();
    for (const key of ['', '   ', 'x'.repeat(256), 'a\nb']) {
      await expect(run(store, p, key, 'a')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'idempotencyKey' } });
    }
    expect(p.writes).toBe(0);
  });

  it('hashes arguments independent of key order', () => {
    expect(stableJson({ b: 1, a: { d: [1, { y: 1, x: 2 }], c: null } })).toBe(stableJson({ a: { c: null, d: [1, { x: 2, y: 1 }] }, b: 1 }));
  });
});
