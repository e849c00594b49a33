import { GraphQLError } from 'graphql';
import type { ProviderName } from './provider-names.js';
export type { ProviderName };

/**
 * Every error a client sees carries `extensions.code` (DESIGN.md, "Errors") and, when it concerns a
 * provider, `extensions.provider`. Resolvers and connectors throw these classes; anything else that
 * escapes a resolver is a bug and is masked by `formatError` in shared/subgraph/server.ts.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_RATE_LIMITED'
  | 'UPSTREAM_REJECTED';

export interface ErrorDetails {
  provider?: ProviderName;
  /** Extra, client-safe facts (never credentials): an upstream status, a field name, a limit. */
  [key: string]: unknown;
}

export class GridgraphError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, { extensions: { code, ...details } });
    this.code = code;
    this.name = 'GridgraphError';
  }
}

export class BadUserInputError extends GridgraphError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('BAD_USER_INPUT', message, details);
  }
}

export class NotFoundError extends GridgraphError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('NOT_FOUND', message, details);
  }
}

/**
 * A provider's own 404 says only which path it did not find; this replaces its message with one that
 * names what the client asked for ("No Openvolt meter has id …"), keeping the provider and status.
 */
export async function orNotFound<T>(promise: Promise<T>, message: string): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError(message, { ...error.extensions });
    throw error;
  }
}

export class UpstreamUnavailableError extends GridgraphError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('UPSTREAM_UNAVAILABLE', message, details);
  }
}

export class UpstreamTimeoutError extends GridgraphError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('UPSTREAM_TIMEOUT', message, details);
  }
}

export class UpstreamRateLimitedError extends GridgraphError {
  constructor(message: string, details: ErrorDetails & { retryAfter: number | null }) {
    super('UPSTREAM_RATE_LIMITED', message, details);
  }
}

/** The provider answered 4xx: its message is passed on, its credentials never. */
export class UpstreamRejectedError extends GridgraphError {
  constructor(message: string, details: ErrorDetails & { upstreamStatus: number }) {
    super('UPSTREAM_REJECTED', message, details);
  }
}

/** Replaces every occurrence of each secret in `text`, so a provider that echoes a key cannot leak it. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}
