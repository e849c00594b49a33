import type { Request, RequestHandler, Response } from 'express';
import { HttpError, TokenIssuer } from '../../../shared/simulator/index.js';
import type { IntellimeterSimulatorStore, SimulatedUser } from './store.js';

/** The cookie that carries the server-side session [I]. */
const SESSION_COOKIE = 'session';
const SESSION_LIFETIME_SECONDS = 3600;

/**
 * Intellimeter's server-side sessions: `PUT /session` opens one and sets its cookie; every other route
 * needs a live one (`require`), whose user the route reads with `sessionUser(res)`.
 */
export class Sessions {
  private readonly tokens = new TokenIssuer<number>(SESSION_LIFETIME_SECONDS);
  /** How many logins succeeded since the start or the last reset. */
  logins = 0;

  constructor(private readonly store: IntellimeterSimulatorStore) {}

  /** Runs first on every route but the login: the session's user, or a 401. */
  readonly require: RequestHandler = (req, res, next) => {
    const uuid = this.tokens.subjectOf(sessionToken(req));
    const user = uuid === undefined ? undefined : this.store.users.get(uuid);
    if (!user) throw new HttpError(401, 'Not logged in: PUT /session with your key first');
    res.locals.sessionUser = user;
    next();
  };

  open(res: Response, user: SimulatedUser): void {
    const { token } = this.tokens.issue(user.uuid);
    this.logins++;
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, path: '/' });
  }

  /** Ends the request's session. */
  close(req: Request, res: Response): void {
    this.tokens.revoke(sessionToken(req)!);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  /** Ends every session of a user (a deleted account), this request's too. */
  closeAllOf(user: SimulatedUser, res: Response): void {
    this.tokens.revokeWhere((uuid) => uuid === user.uuid);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  /** Every session ends at once (a test's "the session expired"). */
  expireAll(): void {
    this.tokens.expireAll();
  }

  reset(): void {
    this.expireAll();
    this.logins = 0;
  }
}

/** The user of the session that `Sessions.require` let through. */
export function sessionUser(res: Response): SimulatedUser {
  const user = res.locals.sessionUser as SimulatedUser | undefined;
  if (!user) throw new Error('sessionUser() on a route without Sessions.require');
  return user;
}

function sessionToken(req: Request): string | undefined {
  const header = req.get('cookie') ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}
