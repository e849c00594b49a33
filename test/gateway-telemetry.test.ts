import { describe, expect, it } from 'vitest';

describe('the gateway', () => {
  it('turns off Apollo’s outbound telemetry unless it is asked for', async () => {
    delete process.env.APOLLO_TELEMETRY_DISABLED;
    await import('../gateway/index.js');
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('true');
  });
});
