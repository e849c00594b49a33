import { str } from '../subgraph/config.js';

/**
 * One-line logs to stderr. Deliberately tiny: the servers log start-up, shutdown and upstream failures;
 * callers pass messages that are already free of credentials (see redact() in errors.ts).
 * LOG_LEVEL = debug | info | warn | error | silent (default info; the test setup uses warn).
 */
const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
type Level = (typeof LEVELS)[number];

/**
 * LOG_LEVEL as .env.example lists it. The logger itself reads it leniently (an unknown level is info):
 * a line must be writable before, and about, a configuration that does not check.
 */
export const LOG_SETTINGS = {
  LOG_LEVEL: str({ choices: LEVELS, default: 'info', desc: 'Least severe log lines written' }),
};

function threshold(): number {
  const configured = (process.env.LOG_LEVEL ?? 'info').toLowerCase() as Level;
  const index = LEVELS.indexOf(configured);
  return index === -1 ? 1 : index;
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createLogger(component: string): Logger {
  const write = (level: Level) => (message: string) => {
    if (LEVELS.indexOf(level) < threshold()) return;
    process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${component}] ${message}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
