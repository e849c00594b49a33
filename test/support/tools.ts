import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Programs outside npm that some tests need. On a machine with only Node and npm those tests skip, and
 * the global setup prints one line per missing program saying what to install; `.ci/run` installs them
 * all and fails on any skipped test, so nothing is silently skipped in CI.
 */
export interface ExternalTool {
  /** Absolute path or a command looked up on PATH. */
  command: string;
  /** Which tests need it. */
  neededBy: string;
  /** How to get it on Debian or Ubuntu (what `.ci/run` does). */
  install: string;
}

export const EXTERNAL_TOOLS = {
  redis: {
    command: process.env.REDIS_SERVER ?? 'redis-server',
    neededBy: 'the Redis store and two-replica tests',
    install: 'apt-get install redis-server (or set REDIS_SERVER to its path)',
  },
  chromium: {
    command: process.env.CHROMIUM ?? '/usr/bin/chromium',
    neededBy: 'the playground browser test',
    install: 'apt-get install chromium fonts-dejavu-core (or set CHROMIUM to its path)',
  },
  curl: {
    command: process.env.CURL ?? 'curl',
    neededBy: "the README's curl example",
    install: 'apt-get install curl (or set CURL to its path)',
  },
} satisfies Record<string, ExternalTool>;

export type ExternalToolName = keyof typeof EXTERNAL_TOOLS;

/** The tool's executable path, or undefined when it is not installed. */
export function findTool(name: ExternalToolName): string | undefined {
  const { command } = EXTERNAL_TOOLS[name];
  const candidates = isAbsolute(command)
    ? [command]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, command));
  return candidates.find(isExecutable);
}

export function hasTool(name: ExternalToolName): boolean {
  return findTool(name) !== undefined;
}

export function missingToolLine(name: ExternalToolName): string {
  const tool = EXTERNAL_TOOLS[name];
  return `skipping ${tool.neededBy}: ${tool.command} not found. For the full suite: ${tool.install}`;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
