/**
 * Credentials that a connector must obtain before calling its provider (an OAuth token, a session
 * cookie, the current one of two API keys) and may have to obtain again. The HTTP client asks an
 * `UpstreamAuth` for headers before every request and, when the provider answers 401, tells it which
 * headers were refused and retries once (shared/http-client.ts).
 */
export interface UpstreamAuth {
  /** Headers carrying the current credentials; may log in first. */
  headers(): Promise<Record<string, string>>;
  /**
   * The provider refused these headers (from `headers()`) with a 401. Drop them if they are still the
   * current credentials, so that the retry's `headers()` logs in again.
   */
  refused(refused: Record<string, string>): void;
}

export interface Credential<T> {
  value: T;
  /** Seconds the provider says the credential lives; undefined = until refused. */
  expiresInSeconds?: number;
}

export interface CredentialCacheOptions<T> {
  /** Obtains a new credential (a token request, a login). Its errors reach the waiting callers. */
  obtain(): Promise<Credential<T>>;
  /** Renew this long before the stated expiry, so a request never leaves with a token about to lapse. */
  refreshMarginMs?: number;
  now?: () => number;
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

  function obtain(): Promise<T> {
    pending ??= (async () => {
      obtained++;
      try {
        const credential = await options.obtain();
        const lifetimeMs = credential.expiresInSeconds === undefined ? Infinity : credential.expiresInSeconds * 1000;
        // A lifetime shorter than the margin would renew on every call; renew at half its life then.
        const renewAfterMs = lifetimeMs > 2 * margin ? lifetimeMs - margin : lifetimeMs / 2;
        current = { value: credential.value, renewAt: now() + renewAfterMs };
        return credential.value;
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
