import { trace } from '@opentelemetry/api';
import { pino, stdTimeFunctions, type LevelWithSilent } from 'pino';
import { str } from '../subgraph/config.js';
import { currentRequest } from './request-context.js';

/**
 * Structured logs (pino): one JSON object per line on stderr, on every server. Each line has `level` (a
 * word), `time` (ISO 8601), `pid`, `hostname`, `component` (the server or part that wrote it), `msg`,
 * and inside a request its `requestId` (and, when tracing is on, `traceId`), plus the fields a caller
 * adds: `log.info({ provider, route, status, durationMs }, 'upstream call')`.
 *
 * LOG_LEVEL = debug | info | warn | error | silent (default info; the tests use error) is read when a
 * line is written, so a process (or a test) may change it at any time.
 *
 * Callers pass messages that are already free of credentials (redact() in shared/graph/errors.ts); as a
 * second line of defence, fields that carry credentials by name are censored.
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * LOG_LEVEL as .env.example lists it. The logger itself reads it leniently (an unknown level is info):
 * a line must be writable before, and about, a configuration that does not check.
 */
export const LOG_SETTINGS = {
  LOG_LEVEL: str({ choices: LOG_LEVELS, default: 'info', desc: 'Least severe log lines written' }),
};

type LogMethod = {
  (message: string): void;
  (fields: Record<string, unknown>, message: string): void;
};

export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}

const root = pino(
  {
    level: configuredLevel(),
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const requestId = currentRequest()?.requestId;
      const traceId = trace.getActiveSpan()?.spanContext().traceId;
      return { ...(requestId && { requestId }), ...(traceId && { traceId }) };
    },
    redact: {
      paths: [
        'authorization',
        'password',
        'apiKey',
        'clientSecret',
        'token',
        'headers.authorization',
        'headers.cookie',
        'headers["x-api-key"]',
      ],
      censor: '[redacted]',
    },
  },
  // Looked up at each line, so that a test that captures process.stderr sees the lines.
  { write: (line: string) => process.stderr.write(line) },
);

function configuredLevel(): LevelWithSilent {
  const configured = (process.env.LOG_LEVEL ?? 'info').toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(configured) ? (configured as LogLevel) : 'info';
}

/** Follows LOG_LEVEL (children follow their root's level). */
function followLogLevel(): void {
  const level = configuredLevel();
  if (root.level !== level) root.level = level;
}

/** A logger whose lines say `component`: a server's name, `openvolt-client`, `shutdown`… */
export function createLogger(component: string): Logger {
  const log = root.child({ component });
  const at =
    (level: Exclude<LogLevel, 'silent'>): LogMethod =>
    (first: string | Record<string, unknown>, message?: string) => {
      followLogLevel();
      if (typeof first === 'string') log[level](first);
      else log[level](first, message);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
