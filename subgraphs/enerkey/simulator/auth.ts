import type { RequestHandler } from 'express';
import { HttpError } from '../../../shared/simulator/index.js';
import { ENERKEY_BUDGET_WINDOW_MS } from '../contract.js';
import type { EnerkeySimulatorStore } from './store.js';

/** One of the profile's API keys and the days it is valid (YYYY-MM-DD, inclusive). */
export interface EnerkeySimulatorKey {
  key: string;
  validFrom: string;
  validTo: string;
}

/**
 * EnerKey's door: the raw key in `Authorization`, valid today, with calls left in its 24-hour window
 * (which starts at the key's first call) and, when a burst limit is set, fewer than `limit` calls in the
 * sliding window before. Each admitted call is counted and answered with `X-Rate-Limit` = calls left;
 * past either limit, 429 with `Retry-After` until a call may go again.
 */
export function keyAuthorization(options: {
  keys: readonly EnerkeySimulatorKey[];
  dailyLimit: number;
  /** Requests per sliding window per key; undefined = none (the production page states none). */
  burst?: { limit: number; windowMs: number };
  store: EnerkeySimulatorStore;
  now: () => Date;
}) {
  const { keys, dailyLimit, burst, store, now } = options;

  const authorize: RequestHandler = (req, res, next) => {
    const sent = req.get('authorization')?.trim();
    if (!sent) throw new HttpError(401, 'Missing API key: send the key in the Authorization header');
    const key = keys.find((candidate) => candidate.key === sent);
    if (!key) throw new HttpError(401, 'Invalid API key');
    const today = now().toISOString().slice(0, 10);
    if (today < key.validFrom) throw new HttpError(401, `The API key is valid from ${key.validFrom}`);
    if (today > key.validTo) throw new HttpError(401, `The API key expired on ${key.validTo}`);
    const at = now().getTime();
    let budget = store.budgets.get(sent);
    if (!budget || at - budget.windowStart >= ENERKEY_BUDGET_WINDOW_MS) {
      budget = { windowStart: at, used: 0 };
      store.budgets.set(sent, budget);
    }
    if (budget.used >= dailyLimit) {
      res.set('Retry-After', String(Math.max(1, Math.ceil((budget.windowStart + ENERKEY_BUDGET_WINDOW_MS - at) / 1000))));
      throw new HttpError(429, `Rate limit exceeded: ${dailyLimit} requests per 24 hours per API key`);
    }
    if (burst) {
      const recent = (store.recentCalls.get(sent) ?? []).filter((t) => t > at - burst.windowMs);
      store.recentCalls.set(sent, recent);
      if (recent.length >= burst.limit) {
        res.set('Retry-After', String(Math.max(1, Math.ceil((recent[0]! + burst.windowMs - at) / 1000))));
        throw new HttpError(429, `Rate limit exceeded: ${burst.limit} requests per ${burst.windowMs / 1000} seconds per API key`);
      }
      recent.push(at);
    }
    budget.used += 1;
    res.set('X-Rate-Limit', String(dailyLimit - budget.used));
    next();
  };

  /** Calls left for a key in its current 24-hour window. */
  function remainingBudget(key: string): number {
    const budget = store.budgets.get(key);
    if (!budget || now().getTime() - budget.windowStart >= ENERKEY_BUDGET_WINDOW_MS) return dailyLimit;
    return Math.max(0, dailyLimit - budget.used);
  }

  return { authorize, remainingBudget };
}
