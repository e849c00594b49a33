import { UpstreamRateLimitedError } from '../../shared/errors.js';
import type { UpstreamAuth } from '../../shared/upstream-auth.js';
import { ENERKEY_BUDGET_WINDOW_MS } from './contract.js';

/**
 * EnerKey's API keys as an `UpstreamAuth` for the kit's HTTP client: the raw key in `Authorization`,
 * each key's 24-hour request budget tracked from `X-Rate-Limit`, and rotation to the profile's second
 * key when the first is spent or refused (expired). When no key has calls left it throws
 * UPSTREAM_RATE_LIMITED before anything is sent, so a spent budget never costs a request.
 */
export interface KeyBudget {
  /** Calls left in the current window as last reported (minus calls sent since); undefined = not yet known. */
  remaining: number | undefined;
  /** When the window is over and the budget is whole again (epoch ms); undefined = not yet known. */
  resetsAt: number | undefined;
  /** The provider refused this key (401): it is not used again. */
  refused: boolean;
}

export class EnerkeyKeyRing implements UpstreamAuth {
  private readonly budgets: KeyBudget[];
  private current = 0;

  constructor(
    private readonly keys: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    if (keys.length === 0) throw new RangeError('EnerKey needs at least one API key');
    this.budgets = keys.map(() => ({ remaining: undefined, resetsAt: undefined, refused: false }));
  }

  /** Which key (0 = primary) requests go out with. */
  get activeKey(): number {
    return this.current;
  }

  budget(index: number): Readonly<KeyBudget> {
    this.expireWindow(index);
    return { ...this.budgets[index]! };
  }

  async headers(): Promise<Record<string, string>> {
    const index = this.usableKey();
    const budget = this.budgets[index]!;
    // Reserve the call now, so that concurrent requests cannot together overshoot the budget.
    if (budget.remaining !== undefined) budget.remaining -= 1;
    return { authorization: this.keys[index]! };
  }

  refused(headers: Record<string, string>): void {
    const index = this.keys.indexOf(headers.authorization ?? '');
    if (index >= 0) this.budgets[index]!.refused = true;
  }

  /** A successful answer's `X-Rate-Limit`: calls left for the key it went out with. */
  observe(headers: Record<string, string | string[] | undefined>): void {
    const raw = headers['x-rate-limit'];
    const left = Number(Array.isArray(raw) ? raw[0] : raw);
    if (raw === undefined || !Number.isFinite(left)) return;
    const budget = this.budgets[this.current]!;
    // The window started at the key's first observed call at the latest (EnerKey does not say when).
    budget.resetsAt ??= this.now() + ENERKEY_BUDGET_WINDOW_MS;
    budget.remaining = budget.remaining === undefined ? left : Math.min(budget.remaining, left);
  }

  /** EnerKey answered 429: the current key is spent until `retryAfter` seconds from now. */
  exhausted(retryAfterSeconds: number | null): void {
    const budget = this.budgets[this.current]!;
    budget.remaining = 0;
    budget.resetsAt =
      retryAfterSeconds === null ? (budget.resetsAt ?? this.now() + ENERKEY_BUDGET_WINDOW_MS) : this.now() + retryAfterSeconds * 1000;
  }

  private expireWindow(index: number): void {
    const budget = this.budgets[index]!;
    if (budget.resetsAt !== undefined && this.now() >= budget.resetsAt) {
      budget.remaining = undefined;
      budget.resetsAt = undefined;
    }
  }

  private usable(index: number): boolean {
    this.expireWindow(index);
    const budget = this.budgets[index]!;
    return !budget.refused && (budget.remaining === undefined || budget.remaining > 0);
  }

  private usableKey(): number {
    for (let step = 0; step < this.keys.length; step++) {
      const index = (this.current + step) % this.keys.length;
      if (this.usable(index)) {
        this.current = index;
        return index;
      }
    }
    const waits = this.budgets.filter((b) => !b.refused && b.resetsAt !== undefined).map((b) => b.resetsAt! - this.now());
    if (waits.length === 0) {
      // Every key was refused: the retry after the 401 gets the last one again and fails as UPSTREAM_REJECTED.
      return this.current;
    }
    const retryAfter = Math.max(1, Math.ceil(Math.min(...waits) / 1000));
    throw new UpstreamRateLimitedError(
      `The EnerKey request budget (X-Rate-Limit) of every configured API key is spent; no request was sent. Try again in ${retryAfter} s, or configure ENERKEY_API_KEY_SECONDARY.`,
      { provider: 'ENERKEY', retryAfter },
    );
  }
}
