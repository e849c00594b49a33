import { createHash } from 'node:crypto';
import { UpstreamRateLimitedError, UpstreamRejectedError } from '../../shared/graph/errors.js';
import { createLogger } from '../../shared/observability/logger.js';
import { MemoryStore, getJson, setJson, type Store } from '../../shared/store/index.js';
import type { UpstreamAuth } from '../../shared/connector/upstream-auth.js';
import { ENERKEY_BUDGET_WINDOW_MS } from './contract.js';

/**
 * EnerKey's API keys as an `UpstreamAuth` for the kit's HTTP client: the raw key in `Authorization`.
 * A profile has two keys with validity dates, so that one can be renewed while the other is in use:
 * - the ring uses a key only within its configured dates, and moves to the other key once the one in use
 *   is within the renewal margin of its end; when every key is that close, it warns (log, metric);
 * - a key EnerKey refused (401) rests for a configured pause, then is tried again (it may have been renewed);
 * - each key's 24-hour request budget is tracked from `X-Rate-Limit`; a spent key gives way to the other;
 * - a burst limit (requests per window) is counted for the key chosen before each call; a full window
 *   waits, it does not move to the other key.
 * When nothing may be sent it throws UPSTREAM_RATE_LIMITED (or UPSTREAM_REJECTED) before anything is sent.
 *
 * Budgets, burst counts and refusals live in a store (README "Scale-out"): in memory for one process, in
 * Redis for replicas, which then share them. Per key, `sent` counts the calls sent in the budget window
 * (an atomic increment reserves each call) and `state` holds the last reported calls left with the `sent`
 * count it was reported at, so calls left = left − (sent now − sent then).
 */
export interface EnerkeyKeySpec {
  key: string;
  /** First instant the key is valid (epoch ms); undefined = already. */
  validFrom?: number;
  /** First instant the key is no longer valid (epoch ms); undefined = not known to end. */
  validUntil?: number;
}

export interface EnerkeyBurstLimit {
  /** Requests one key may make per window. */
  limit: number;
  windowMs: number;
}

export interface EnerkeyKeyRingOptions {
  /** The profile's key and, optionally, its second key ("primary", "secondary"). */
  keys: readonly EnerkeyKeySpec[];
  now?: () => number;
  /** Where budgets, burst counts and refusals are kept (default: in memory, this process only). */
  store?: Store;
  /** A key this close to its end is near expiry: the ring prefers the other key (default 14 days). */
  renewalMarginMs?: number;
  /** How long a refused key rests before it is tried again (default 1 hour). */
  refusedKeyPauseMs?: number;
  /** Requests per window per key; undefined = no burst limit. */
  burst?: EnerkeyBurstLimit;
}

export interface KeyBudget {
  /** Calls left in the current window as last reported (minus calls sent since); undefined = not yet known. */
  remaining: number | undefined;
  /** When the window is over and the budget is whole again (epoch ms); undefined = not yet known. */
  resetsAt: number | undefined;
  /** The provider refused this key (401) and it rests until then (epoch ms); undefined = not resting. */
  refusedUntil: number | undefined;
}

/** How a key stands against its configured dates now. */
export interface KeyValidity {
  name: string;
  /** Seconds until the key's end; undefined when no end is configured. */
  secondsLeft: number | undefined;
  /** Within its dates, and not within the renewal margin of its end. */
  comfortable: boolean;
}

interface StoredBudget {
  left?: number;
  sentAt?: number;
  resetsAt?: number;
  refusedUntil?: number;
  refusedReason?: string;
}

export const KEY_NAMES = ['primary', 'secondary'] as const;
const DEFAULT_RENEWAL_MARGIN_MS = 14 * 86_400_000;
const DEFAULT_REFUSED_KEY_PAUSE_MS = 3_600_000;
/** The burst window is counted in this many slots: a count over-covers the window by one slot at most, never under. */
const BURST_SLOTS = 10;

const log = createLogger('enerkey-keys');

export class EnerkeyKeyRing implements UpstreamAuth {
  private current = 0;
  /** Keys refused in this process, until when: known at once, before the store has it. */
  private readonly refusedHere = new Map<number, { until: number; reason: string | undefined }>();
  private readonly storeKeys: string[];
  private readonly keys: readonly EnerkeyKeySpec[];
  private readonly now: () => number;
  private readonly store: Store;
  private readonly renewalMarginMs: number;
  private readonly refusedKeyPauseMs: number;
  private readonly burst: EnerkeyBurstLimit | undefined;
  /** Whether the last look found every key near its end (warned once per episode, not per call). */
  private warnedExpiry = false;

  constructor(options: EnerkeyKeyRingOptions) {
    if (options.keys.length === 0) throw new RangeError('EnerKey needs at least one API key');
    this.keys = options.keys;
    this.now = options.now ?? Date.now;
    this.store = options.store ?? new MemoryStore(this.now);
    this.renewalMarginMs = options.renewalMarginMs ?? DEFAULT_RENEWAL_MARGIN_MS;
    this.refusedKeyPauseMs = options.refusedKeyPauseMs ?? DEFAULT_REFUSED_KEY_PAUSE_MS;
    this.burst = options.burst;
    // The key's hash names its counters: replicas with the same key share them, and the key never lands in the store.
    this.storeKeys = this.keys.map(({ key }) => `enerkey:budget:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`);
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
      refusedUntil: this.restingUntil(index, state),
    };
  }

  /** Each key against its dates; `expiring` when dates are configured and no key is comfortable (each near or past its end). */
  validity(): { credentials: KeyValidity[]; expiring: boolean } {
    const at = this.now();
    const credentials = this.keys.map((spec, index) => ({
      name: KEY_NAMES[index] ?? `key${index + 1}`,
      secondsLeft: spec.validUntil === undefined ? undefined : Math.floor((spec.validUntil - at) / 1000),
      comfortable: this.withinDates(spec, at) && !this.nearExpiry(spec, at),
    }));
    const dated = credentials.some((key) => key.secondsLeft !== undefined);
    return { credentials, expiring: dated && !credentials.some((key) => key.comfortable) };
  }

  async headers(): Promise<Record<string, string>> {
    const at = this.now();
    this.warnWhenExpiring();
    const states: Array<StoredBudget | undefined> = [];
    let burstWaitMs: number | undefined;
    for (const index of this.preference(at)) {
      const { state, sent } = await this.read(index);
      states[index] = state;
      if (this.restingUntil(index, state) !== undefined) continue;
      if (state.left !== undefined && state.left - (sent - (state.sentAt ?? 0)) <= 0) continue;
      // Reserve the call now, so that concurrent requests (of every replica) cannot together overshoot the budget.
      const reserved = await this.store.increment(`${this.storeKeys[index]}:sent`, 1, ENERKEY_BUDGET_WINDOW_MS);
      if (state.left !== undefined && state.left - (reserved - (state.sentAt ?? 0)) < 0) continue;
      // The key's burst limit is not a reason to use the other key: the two keys are for renewal, not for twice the rate.
      const wait = await this.takeBurstSlot(index, at);
      if (wait !== undefined) {
        await this.store.increment(`${this.storeKeys[index]}:sent`, -1);
        burstWaitMs = wait;
        break;
      }
      this.current = index;
      return { authorization: this.keys[index]!.key };
    }
    throw this.nothingToSend(at, states, burstWaitMs);
  }

  refused(headers: Record<string, string>, reason?: string): void {
    const index = this.keys.findIndex(({ key }) => key === headers.authorization);
    if (index < 0) return;
    const until = this.now() + this.refusedKeyPauseMs;
    this.refusedHere.set(index, { until, reason });
    log.warn(
      { key: KEY_NAMES[index], retryAt: new Date(until).toISOString(), reason },
      `EnerKey refused the ${KEY_NAMES[index]} API key; it rests until the pause ends, then is tried again`,
    );
    void this.update(index, (state) => ({ ...state, refusedUntil: until, refusedReason: reason })).catch(() => {
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

  /**
   * The keys valid now, best first: those not near their end before those that are (so the ring moves
   * off a key before it expires), the key in use before the other within each group.
   */
  private preference(at: number): number[] {
    return this.keys
      .map((spec, index) => ({ index, valid: this.withinDates(spec, at), near: this.nearExpiry(spec, at) }))
      .filter((key) => key.valid)
      .sort((a, b) => Number(a.near) - Number(b.near) || Number(b.index === this.current) - Number(a.index === this.current))
      .map((key) => key.index);
  }

  private withinDates(spec: EnerkeyKeySpec, at: number): boolean {
    return (spec.validFrom === undefined || at >= spec.validFrom) && (spec.validUntil === undefined || at < spec.validUntil);
  }

  private nearExpiry(spec: EnerkeyKeySpec, at: number): boolean {
    return spec.validUntil !== undefined && spec.validUntil - at <= this.renewalMarginMs;
  }

  private warnWhenExpiring(): void {
    const { credentials, expiring } = this.validity();
    if (expiring && !this.warnedExpiry) {
      log.warn(
        { keys: credentials.map(({ name, secondsLeft }) => ({ name, secondsLeft })) },
        'Every EnerKey API key is near the end of its validity (or past it): ask EnerKey’s service desk for a new key and configure it with its dates',
      );
    }
    this.warnedExpiry = expiring;
  }

  /** When the key's pause after a refusal ends, if it has not yet. */
  private restingUntil(index: number, state: StoredBudget): number | undefined {
    const until = Math.max(this.refusedHere.get(index)?.until ?? 0, state.refusedUntil ?? 0);
    return until > this.now() ? until : undefined;
  }

  /**
   * Counts one call against the key's burst limit, in slots of a tenth of the window shared through the
   * store: the call is counted first, then the slots the window touches are summed, and a call over the
   * limit is uncounted again. Two replicas racing may both give way, never both go through. Returns the
   * wait until a slot frees, or undefined when the call may go.
   */
  private async takeBurstSlot(index: number, at: number): Promise<number | undefined> {
    if (!this.burst) return undefined;
    const { limit, windowMs } = this.burst;
    const slotMs = windowMs / BURST_SLOTS;
    const slot = Math.floor(at / slotMs);
    const slotKey = (n: number) => `${this.storeKeys[index]}:burst:${n}`;
    const mine = await this.store.increment(slotKey(slot), 1, windowMs + slotMs);
    const earlier = await Promise.all(
      Array.from({ length: BURST_SLOTS }, (_, step) => slot - BURST_SLOTS + step).map(async (n) => ({
        n,
        count: Number((await this.store.get(slotKey(n))) ?? 0),
      })),
    );
    if (mine + earlier.reduce((sum, { count }) => sum + count, 0) <= limit) return undefined;
    await this.store.increment(slotKey(slot), -1);
    // The oldest slot with calls leaves the counted window when the slot after the window's end begins.
    const oldest = earlier.find(({ count }) => count > 0)?.n ?? slot;
    return (oldest + BURST_SLOTS + 1) * slotMs - at;
  }

  /** Why no key may be used now, as the error a client sees (nothing was sent). */
  private nothingToSend(at: number, states: Array<StoredBudget | undefined>, burstWaitMs: number | undefined): Error {
    const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
    if (burstWaitMs !== undefined) {
      const retryAfter = seconds(burstWaitMs);
      return new UpstreamRateLimitedError(
        `The EnerKey burst limit (${this.burst!.limit} requests per ${this.burst!.windowMs / 1000} s) is reached; no request was sent. Try again in ${retryAfter} s.`,
        { provider: 'ENERKEY', retryAfter },
      );
    }
    const budgetWaits = states
      .map((state, index) => (state && this.restingUntil(index, state) === undefined ? state.resetsAt : undefined))
      .filter((resetsAt): resetsAt is number => resetsAt !== undefined)
      .map((resetsAt) => resetsAt - at);
    if (budgetWaits.length > 0) {
      const retryAfter = seconds(Math.min(...budgetWaits));
      return new UpstreamRateLimitedError(
        `The EnerKey request budget (X-Rate-Limit) of every usable API key is spent; no request was sent. Try again in ${retryAfter} s, or configure ENERKEY_API_KEY_SECONDARY.`,
        { provider: 'ENERKEY', retryAfter },
      );
    }
    const why = this.keys.map((spec, index) => {
      const name = KEY_NAMES[index];
      if (spec.validFrom !== undefined && at < spec.validFrom) return `${name} is valid from ${new Date(spec.validFrom).toISOString()}`;
      if (spec.validUntil !== undefined && at >= spec.validUntil) return `${name} expired at ${new Date(spec.validUntil).toISOString()}`;
      const state = states[index];
      const refusal = this.refusedHere.get(index)?.reason ?? state?.refusedReason;
      const until = state ? this.restingUntil(index, state) : undefined;
      return `${name} was refused${refusal ? ` (${refusal})` : ''}${until ? ` and is tried again after ${new Date(until).toISOString()}` : ''}`;
    });
    return new UpstreamRejectedError(
      `No EnerKey API key may be used now: ${why.join('; ')}. No request was sent. Configure a valid key (ENERKEY_API_KEY, ENERKEY_API_KEY_SECONDARY) with its dates.`,
      { provider: 'ENERKEY', upstreamStatus: 401 },
    );
  }

  /** The key's budget, whole again (and its counter dropped) once its window is over; a refusal outlives it. */
  private async read(index: number): Promise<{ state: StoredBudget; sent: number }> {
    const base = this.storeKeys[index]!;
    const [state, sent] = await Promise.all([getJson<StoredBudget>(this.store, `${base}:state`), this.store.get(`${base}:sent`)]);
    if (state?.resetsAt !== undefined && this.now() >= state.resetsAt) {
      const renewed: StoredBudget = { refusedUntil: state.refusedUntil, refusedReason: state.refusedReason };
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
