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
 * (which starts at the key's first call). Each admitted call is counted and answered with `X-Rate-Limit`
 * = calls left; past the budget, 429 with `Retry-After` until the window ends.
 */
export function keyAuthorization(options: {
  keys: readonly EnerkeySimulatorKey[];
  dailyLimit: number;
  store: EnerkeySimulatorStore;
  now: () => Date;
}) {
  const { keys, dailyLimit, store, now } = options;

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
