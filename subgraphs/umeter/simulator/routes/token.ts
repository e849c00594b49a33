import type { Express } from 'express';
import { uuidFromSeed } from '../../../../shared/simulator/index.js';
import { UMETER_PATHS, type UmeterTokenRecord } from '../../contract.js';
import type { UmeterRouteDeps } from './index.js';

/** Auth host: the OAuth2 password grant, form body, ASP.NET OWIN-style answers. */
export function registerTokenRoutes(app: Express, { account, tokens, store }: UmeterRouteDeps): void {
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
