import { createHash } from 'node:crypto';
import { withLock, type Store } from '../store/index.js';

/**
 * Credentials that a connector must obtain before calling its provider (an OAuth token, a session
 * cookie, the current one of two API keys) and may have to obtain again. The HTTP client asks an
 * `UpstreamAuth` for headers before every request and, when the provider answers 401, tells it which
 * headers were refused and retries once (shared/connector/http-client.ts).
 */
export interface UpstreamAuth {
  /** Headers carrying the current credentials; may log in first. */
  headers(): Promise<Record<string, string>>;
  /**
   * The provider refused these headers (from `headers()`) with a 401. Drop them if they are still the
   * current credentials, so that the retry's `headers()` logs in again. `reason` is what the provider
   * said (its message, with the credentials redacted), for an error or log line of the auth's own.
   */
  refused(refused: Record<string, string>, reason?: string): void;
}

export interface Credential<T> {
  value: T;
  /** Seconds the provider says the credential lives; undefined = until refused. */
  expiresInSeconds?: number;
}

/**
 * Shares credentials between replicas through a store (README "Scale-out"): a credential any replica
 * obtained is used by all until it is due for renewal or refused, and a short lock in the store makes
 * one replica log in while the others wait for its credential (one token request between them).
 */
export interface SharedCredentials {
  store: Store;
  /** One per provider and credentials, e.g. from `credentialKey('VOLUE', tokenUrl, clientId, clientSecret)`. */
  key: string;
  /** How long others wait for the replica that is logging in (default 30 s). */
  lockTtlMs?: number;
}

/** A store key for credentials: the provider plus a hash of what identifies them (never the secrets themselves). */
export function credentialKey(provider: string, ...identity: string[]): string {
  return `credential:${provider}:${createHash('sha256').update(JSON.stringify(identity)).digest('hex')}`;
}

/**
 * What a client or a log may see of a credential: the first 12 hex digits of its SHA-256, enough for an
 * operator to tell two keys apart (`printf %s KEY | sha256sum`), of no use for calling the provider.
 */
export function credentialFingerprint(secret: string): string {
  return `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
}

export interface CredentialCacheOptions<T> {
  /** Obtains a new credential (a token request, a login). Its errors reach the waiting callers. */
  obtain(): Promise<Credential<T>>;
  /** Renew this long before the stated expiry, so a request never leaves with a token about to lapse. */
  refreshMarginMs?: number;
  now?: () => number;
  /** Optional: share credentials between replicas through a store (they must survive JSON). */
  shared?: SharedCredentials;
}

export interface CredentialCache<T> {
  /** The cached credential, or a new one; concurrent callers share one `obtain()`. */
  get(): Promise<T>;
  /** Forgets `stale` if it is still the cached one (N requests refused at once cause one new login). */
  invalidate(stale: T): void;
  /** How many times `obtain()` has been called (for tests and stats). */
  readonly obtained: number;
}

export function createCredentialCache<T>(options: CredentialCacheOptions<T>): CredentialCache<T> {
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginMs ?? 30_000;
  let current: { value: T; renewAt: number } | undefined;
  let pending: Promise<T> | undefined;
  let obtained = 0;
  const shared = options.shared;
  // The last credential refused here: another replica's copy of it in the store is not used again.
  let refused: string | undefined;

  async function fresh(): Promise<T> {
    obtained++;
    const credential = await options.obtain();
    const lifetimeMs = credential.expiresInSeconds === undefined ? Infinity : credential.expiresInSeconds * 1000;
    // A lifetime shorter than the margin would renew on every call; renew at half its life then.
    const renewAfterMs = lifetimeMs > 2 * margin ? lifetimeMs - margin : lifetimeMs / 2;
    current = { value: credential.value, renewAt: now() + renewAfterMs };
    if (shared) {
      const ttlMs = Number.isFinite(renewAfterMs) ? Math.max(1, renewAfterMs) : undefined;
      await shared.store.set(shared.key, JSON.stringify(current), ttlMs);
    }
    return credential.value;
  }

  async function fromStore(): Promise<T | undefined> {
    const raw = await shared!.store.get(shared!.key);
    if (raw === undefined) return undefined;
    const stored = JSON.parse(raw) as { value: T; renewAt: number | null };
    const renewAt = stored.renewAt ?? Infinity; // JSON turns Infinity into null
    if (now() >= renewAt || JSON.stringify(stored.value) === refused) return undefined;
    current = { value: stored.value, renewAt };
    return stored.value;
  }

  function obtain(): Promise<T> {
    pending ??= (async () => {
      try {
        if (!shared) return await fresh();
        const stored = await fromStore();
        if (stored !== undefined) return stored;
        // One replica logs in; the others wait for the lock and then find its credential in the store.
        return await withLock(shared.store, shared.key, async () => (await fromStore()) ?? fresh(), {
          ttlMs: shared.lockTtlMs ?? 30_000,
          waitMs: shared.lockTtlMs ?? 30_000,
        });
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  }

  return {
    async get() {
      if (current && now() < current.renewAt) return current.value;
      return obtain();
    },
    invalidate(stale) {
      if (current?.value === stale) current = undefined;
      if (shared) refused = JSON.stringify(stale);
    },
    get obtained() {
      return obtained;
    },
  };
}

/** `Authorization: Bearer <token>` from a token cache (OAuth2 client-credentials or password grant). */
export function bearerAuth(tokens: CredentialCache<string>): UpstreamAuth {
  return headerAuth(tokens, (token) => ({ authorization: `Bearer ${token}` }));
}

/** Any credential turned into headers, refreshed through its cache when the provider refuses it. */
export function headerAuth<T>(cache: CredentialCache<T>, toHeaders: (credential: T) => Record<string, string>): UpstreamAuth {
  const sent = new WeakMap<Record<string, string>, T>();
  return {
    async headers() {
      const credential = await cache.get();
      const headers = toHeaders(credential);
      sent.set(headers, credential);
      return headers;
    },
    refused(headers) {
      const credential = sent.get(headers);
      if (credential !== undefined) cache.invalidate(credential);
    },
  };
}
