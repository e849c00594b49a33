import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/process.js';

/**
 * The gateway switches Apollo's outbound telemetry off when its module loads. The test files share their
 * modules (vitest.config.ts: isolate false), so a fresh process shows what loading it does.
 */
async function telemetrySettingAfterLoadingGateway(env: Record<string, string>): Promise<string> {
  const { APOLLO_TELEMETRY_DISABLED: _inherited, ...inherited } = process.env;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      "await import('./gateway/index.ts'); console.log(process.env.APOLLO_TELEMETRY_DISABLED)",
    ],
    { cwd: ROOT, env: { ...inherited, ...env } },
  );
  return stdout.trim();
}

describe('the gateway', () => {
  it('turns off Apollo’s outbound telemetry unless it is asked for', async () => {
    const [unset, askedFor] = await Promise.all([
      telemetrySettingAfterLoadingGateway({}),
      telemetrySettingAfterLoadingGateway({ APOLLO_TELEMETRY_DISABLED: 'false' }),
    ]);
    expect(unset).toBe('true');
    expect(askedFor).toBe('false');
  });
});
