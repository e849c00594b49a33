import { createHash } from 'node:crypto';
import { UpstreamRateLimitedError } from '../../shared/graph/errors.js';
import { MemoryStore, getJson, setJson, type Store } from '../../shared/store/index.js';
import type { UpstreamAuth } from '../../shared/connector/upstream-auth.js';
import { ENERKEY_BUDGET_WINDOW_MS } from './contract.js';

/**
 * EnerKey's API keys as an `UpstreamAuth` for the kit's HTTP client: the raw key in `Authorization`,
 * each key's 24-hour request budget tracked from `X-Rate-Limit`, and rotation to the profile's second
 * key when the first is spent or refused (expired). When no key has calls left it throws
 * UPSTREAM_RATE_LIMITED before anything is sent, so a spent budget never costs a request.
 *
 * The budget lives in a store (README "Scale-out"): in memory for one process, in Redis for replicas,
 * which then spend one budget together. Per key, `sent` counts the calls sent in the window (an atomic
 * increment reserves each call) and `state` holds the last reported calls left with the `sent` count
 * it was reported at, so calls left = left − (sent now − sent then).
 */
export interface KeyBudget {
  /** Calls left in the current window as last reported (minus calls sent since); undefined = not yet known. */
  remaining: number | undefined;
  /** When the window is over and the budget is whole again (epoch ms); undefined = not yet known. */
  resetsAt: number | undefined;
  /** The provider refused this key (401): it is not used again. */
  refused: boolean;
}

interface StoredBudget {
  left?: number;
  sentAt?: number;
  resetsAt?: number;
  refused?: boolean;
}

export class EnerkeyKeyRing implements UpstreamAuth {
  private current = 0;
  /** Keys refused in this process: known at once, before the store has it. */
  private readonly refusedHere = new Set<number>();
  private readonly storeKeys: string[];

  constructor(
    private readonly keys: readonly string[],
    private readonly now: () => number = Date.now,
    private readonly store: Store = new MemoryStore(now),
  ) {
    if (keys.length === 0) throw new RangeError('EnerKey needs at least one API key');
    // The key's hash names its budget: replicas with the same key share it, and the key never lands in the store.
    this.storeKeys = keys.map((key) => `enerkey:budget:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`);
  }

  /** Which key (0 = primary) requests go out with. */
  get activeKey(): number {
    return this.current;
  }

  async budget(index: number): Promise<KeyBudget> {
    const { state, sent } = await this.read(index);
    return {
      remaining: state.left === undefined ? undefined : state.left - (sent - (state.sentAt ?? 0)),
      resetsAt: state.resetsAt,
      refused: this.refusedHere.has(index) || state.refused === true,
    };
  }

  async headers(): Promise<Record<string, string>> {
    const states: Array<StoredBudget | undefined> = [];
    for (let step = 0; step < this.keys.length; step++) {
      const index = (this.current + step) % this.keys.length;
      const { state, sent } = await this.read(index);
      states[index] = state;
      if (this.refusedHere.has(index) || state.refused) continue;
      if (state.left !== undefined && state.left - (sent - (state.sentAt ?? 0)) <= 0) continue;
      // Reserve the call now, so that concurrent requests (of every replica) cannot together overshoot the budget.
      const reserved = await this.store.increment(`${this.storeKeys[index]}:sent`, 1, ENERKEY_BUDGET_WINDOW_MS);
      if (state.left !== undefined && state.left - (reserved - (state.sentAt ?? 0)) < 0) continue;
      this.current = index;
      return { authorization: this.keys[index]! };
    }
    const waits = states
      .filter((b): b is StoredBudget => b !== undefined && !b.refused && b.resetsAt !== undefined)
      .map((b) => b.resetsAt! - this.now());
    if (waits.length === 0) {
      // Every key was refused: the retry after the 401 gets the last one again and fails as UPSTREAM_REJECTED.
      return { authorization: this.keys[this.current]! };
    }
    const retryAfter = Math.max(1, Math.ceil(Math.min(...waits) / 1000));
    throw new UpstreamRateLimitedError(
      `The EnerKey request budget (X-Rate-Limit) of every configured API key is spent; no request was sent. Try again in ${retryAfter} s, or configure ENERKEY_API_KEY_SECONDARY.`,
      { provider: 'ENERKEY', retryAfter },
    );
  }

  refused(headers: Record<string, string>): void {
    const index = this.keys.indexOf(headers.authorization ?? '');
    if (index < 0) return;
    this.refusedHere.add(index);
    void this.update(index, (state) => ({ ...state, refused: true })).catch(() => {
      // This process knows already; other replicas learn it from their own 401.
    });
  }

  /** A successful answer's `X-Rate-Limit`: calls left for the key it went out with. */
  async observe(headers: Record<string, string | string[] | undefined>): Promise<void> {
    const raw = headers['x-rate-limit'];
    const left = Number(Array.isArray(raw) ? raw[0] : raw);
    if (raw === undefined || !Number.isFinite(left)) return;
    await this.update(this.current, (state, sent) => {
      const known = state.left === undefined ? undefined : state.left - (sent - (state.sentAt ?? 0));
      return {
        ...state,
        left: known === undefined ? left : Math.min(known, left),
        sentAt: sent,
        // The window started at the key's first observed call at the latest (EnerKey does not say when).
        resetsAt: state.resetsAt ?? this.now() + ENERKEY_BUDGET_WINDOW_MS,
      };
    });
  }

  /** EnerKey answered 429: the current key is spent until `retryAfter` seconds from now. */
  async exhausted(retryAfterSeconds: number | null): Promise<void> {
    await this.update(this.current, (state, sent) => ({
      ...state,
      left: 0,
      sentAt: sent,
      resetsAt:
        retryAfterSeconds === null ? (state.resetsAt ?? this.now() + ENERKEY_BUDGET_WINDOW_MS) : this.now() + retryAfterSeconds * 1000,
    }));
  }

  /** The key's budget, whole again (and its counters dropped) once its window is over. */
  private async read(index: number): Promise<{ state: StoredBudget; sent: number }> {
    const base = this.storeKeys[index]!;
    const [state, sent] = await Promise.all([getJson<StoredBudget>(this.store, `${base}:state`), this.store.get(`${base}:sent`)]);
    if (state?.resetsAt !== undefined && this.now() >= state.resetsAt) {
      const renewed: StoredBudget = state.refused ? { refused: true } : {};
      await Promise.all([setJson(this.store, `${base}:state`, renewed), this.store.delete(`${base}:sent`)]);
      return { state: renewed, sent: 0 };
    }
    return { state: state ?? {}, sent: Number(sent ?? 0) };
  }

  private async update(index: number, change: (state: StoredBudget, sent: number) => StoredBudget): Promise<void> {
    const { state, sent } = await this.read(index);
    await setJson(this.store, `${this.storeKeys[index]}:state`, change(state, sent));
  }
}
