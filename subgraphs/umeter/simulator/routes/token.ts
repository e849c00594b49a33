import express, { type Express, type RequestHandler } from 'express';
import { uuidFromSeed } from '../../../../shared/simulator/index.js';
import { UMETER_PATHS, type UmeterTokenRecord } from '../../contract.js';
import type { UmeterRouteDeps } from './index.js';

/**
 * UMeter's own page logs in with `Content-Type: application/json` and a form body
 * (`grant_type=password&…`), and documents that as working: an OWIN token endpoint reads the form
 * whatever the label says. So a body labelled JSON that is not a JSON object is read as a form here,
 * before the kit's JSON parser would refuse it (a body it has read is not parsed again).
 */
const readFormLabelledJson: RequestHandler[] = [
  express.text({ type: 'application/json' }),
  (req, _res, next) => {
    if (typeof req.body === 'string') {
      const text = req.body.trim();
      req.body = text.startsWith('{') ? tryJson(text) : Object.fromEntries(new URLSearchParams(text));
    }
    next();
  },
];

/** A JSON object body as such; anything unreadable as none, so that the grant check refuses it. */
function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/** Auth host: the OAuth2 password grant, form body, ASP.NET OWIN-style answers. */
export function registerTokenRoutes(app: Express, { account, tokens, store }: UmeterRouteDeps): void {
  app.use(`/${UMETER_PATHS.token}`, ...readFormLabelledJson);
  app.post(`/${UMETER_PATHS.token}`, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'password') {
      res.status(400).json({ error: 'unsupported_grant_type' });
      return;
    }
    if (body.username !== account.username || body.password !== account.password) {
      res.status(400).json({ error: 'invalid_grant', error_description: 'The user name or password is incorrect.' });
      return;
    }
    const issued = tokens.issue(account.username);
    const answer: UmeterTokenRecord = {
      access_token: issued.token,
      token_type: 'bearer',
      expires_in: issued.expiresInSeconds,
      refresh_token: uuidFromSeed(`umeter:refresh:${issued.token}`),
      scope: 'api',
      userName: account.username,
      accountId: store.customerId,
    };
    res.json(answer);
  });
}
