import { createHash, timingSafeEqual } from 'node:crypto';
import { cleanEnv, makeValidator, EnvError, type ValidatorSpec } from 'envalid';

/**
 * Typed configuration from environment variables. Every setting has a default (so `npm start` works on
 * a fresh clone) and a malformed value fails start-up with a message naming the variable, never with a
 * stack trace halfway through a request.
 */
export { bool, num, str, url } from 'envalid';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A number within [min, max]; envalid's `num` accepts any number. */
export function numberInRange(min: number, max: number) {
  return makeValidator<number>((input) => {
    const value = Number(input);
    if (input.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
      throw new EnvError(`must be a number from ${min} to ${max}`);
    }
    return value;
  });
}

/** A TCP port to listen on; 0 asks the OS for any free port (what tests use). */
export const port = makeValidator<number>((input) => {
  const value = Number(input);
  if (!/^\d+$/.test(input.trim()) || value > 65535) throw new EnvError('must be a port number from 0 to 65535');
  return value;
});

/**
 * An optional URL: unset or empty (as in a copied .env.example) reads as '' = "not configured", e.g.
 * "use the simulator". ('' rather than undefined, because envalid refuses a validator's undefined.)
 */
export const optionalUrl = makeValidator<string>((input) => {
  if (input.trim() === '') return '';
  try {
    const parsed = new URL(input);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
    return input.replace(/\/+$/, '');
  } catch {
    throw new EnvError('must be an http(s) URL such as https://api.example.com/v1');
  }
});

/**
 * Reads and validates `specs` from `env`. Throws one ConfigError listing every bad variable; values of
 * variables whose names look secret are never echoed.
 */
export function readConfig<S extends Record<string, ValidatorSpec<unknown>>>(specs: S, env: NodeJS.ProcessEnv = process.env) {
  return cleanEnv(env, specs, {
    reporter: ({ errors }) => {
      const names = Object.keys(errors);
      if (names.length === 0) return;
      const lines = names.map((name) => {
        const raw = env[name];
        const shown = raw === undefined ? 'unset' : looksSecret(name) ? '(value hidden)' : JSON.stringify(raw);
        return `  ${name} ${errors[name]?.message ?? 'is invalid'} (got ${shown})`;
      });
      throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
    },
  });
}

/**
 * Whether a caller sent a configured secret (the gateway's shared secret, a webhook token), compared as
 * SHA-256 digests in constant time: neither how much matched nor the secret's length shows in the timing.
 */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** A setting whose value is never echoed: keys, secrets, passwords, tokens. */
export function looksSecret(name: string): boolean {
  // By whole name segments (ENERKEY_ is a provider, not a key); a credential's dates, URL or lifetime are not secret.
  const segments = name.toUpperCase().split('_');
  if (['URL', 'FROM', 'UNTIL', 'S', 'MS', 'PORT'].includes(segments.at(-1)!)) return false;
  return segments.some((segment) => ['KEY', 'KEYS', 'SECRET', 'PASSWORD', 'TOKEN'].includes(segment));
}
