import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { HttpError } from './server.js';

/**
 * Access tokens for simulators of providers that log in (OAuth2 client-credentials or password grant,
 * session cookies): issued with a lifetime that tests can shorten, checked on every API route, and
 * revocable so that a test can make the connector's cached token go stale.
 */
export interface IssuedToken {
  token: string;
  expiresInSeconds: number;
}

export class TokenIssuer<Subject = string> {
  private readonly tokens = new Map<string, { subject: Subject; expiresAt: number }>();

  constructor(
    /** Seconds a new token lives. */
    public lifetimeSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(subject: Subject): IssuedToken {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { subject, expiresAt: this.now() + this.lifetimeSeconds * 1000 });
    return { token, expiresInSeconds: this.lifetimeSeconds };
  }

  /** The subject of a live token, or undefined (unknown, revoked or expired). */
  subjectOf(token: string | undefined): Subject | undefined {
    if (!token) return undefined;
    const entry = this.tokens.get(token);
    if (!entry) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.tokens.delete(token);
      return undefined;
    }
    return entry.subject;
  }

  /** The subject behind `Authorization: Bearer <token>`, or a 401 `HttpError`. */
  requireBearer(req: Request): Subject {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new HttpError(401, 'Missing bearer token: send Authorization: Bearer <access_token>');
    const subject = this.subjectOf(match[1]);
    if (subject === undefined) throw new HttpError(401, 'The access token is invalid or has expired');
    return subject;
  }

  revoke(token: string): void {
    this.tokens.delete(token);
  }

  /** Every issued token stops working at once (a test's "the token expired mid-run"). */
  expireAll(): void {
    this.tokens.clear();
  }

  revokeWhere(predicate: (subject: Subject) => boolean): void {
    for (const [token, entry] of this.tokens) if (predicate(entry.subject)) this.tokens.delete(token);
  }
}
