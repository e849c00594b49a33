import type { Express } from 'express';
import type { TokenIssuer } from '../../../../shared/simulator/index.js';
import { VOLUE_TOKEN_PATH, type VolueTokenResponse } from '../../contract.js';

export interface VolueIdentity {
  clientId: string;
  clientSecret: string;
  tokens: TokenIssuer<string>;
}

/** The identity server: OAuth2 client credentials (form body), answered in IdentityServer's shapes. */
export function registerTokenRoute(app: Express, { clientId, clientSecret, tokens }: VolueIdentity): void {
  app.post(VOLUE_TOKEN_PATH, (req, res) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    if (!req.is('application/x-www-form-urlencoded')) {
      res.status(400).json({ error: 'invalid_request', error_description: 'Send a form body (application/x-www-form-urlencoded)' });
      return;
    }
    if (form.grant_type !== 'client_credentials') {
      res.status(400).json({ error: 'unsupported_grant_type' });
      return;
    }
    if (form.client_id !== clientId || form.client_secret !== clientSecret) {
      res.status(400).json({ error: 'invalid_client' });
      return;
    }
    const issued = tokens.issue(clientId);
    const answer: VolueTokenResponse = {
      access_token: issued.token,
      expires_in: issued.expiresInSeconds,
      token_type: 'Bearer',
      scope: 'energy-coordination',
    };
    res.json(answer);
  });
}
