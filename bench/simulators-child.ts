import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { RunningSimulator } from '../shared/simulator/server.js';
import { PROVIDERS } from '../subgraphs/registry.js';

/**
 * Every provider's simulator in a process of its own (bench/processes.ts starts it), so that the fake
 * providers' work is not counted as the subgraphs' or the gateways'. Prints one JSON line when all
 * listen: the settings that point a subgraph at each (`<PREFIX>_API_URL`, credentials, webhook secrets),
 * each simulator's URL, where its counters (`/_simulator/stats`) and faults (`/_simulator/faults`) are,
 * and the metering-point mapping rows of the simulated sites (as a METERING_POINT_MAPPING_FILE holds them).
 */
const env: Record<string, string> = {};
const urls: Record<string, string> = {};
const meteringPoints: Array<{ provider: string; meterId: string; meteringPointId: string }> = [];
const running: RunningSimulator[] = [];
for (const provider of PROVIDERS) {
  const { startForSubgraph } = await provider.simulator();
  // As the kit does for a stack: a secret for this run to sign the simulator's webhooks with.
  const webhookSecret = randomBytes(32).toString('base64url');
  const started = await startForSubgraph(process.env, { host: '127.0.0.1', port: 0, faults: {}, webhookSecret });
  running.push(started.simulator);
  Object.assign(env, started.env);
  urls[provider.name] = started.simulator.url;
  for (const [meterId, meteringPointId] of Object.entries(started.meteringPoints ?? {})) {
    meteringPoints.push({ provider: provider.provider, meterId, meteringPointId });
  }
}
console.log(JSON.stringify({ env, urls, meteringPoints }));

process.on('SIGTERM', () => {
  void Promise.all(running.map((simulator) => simulator.stop())).finally(() => process.exit(0));
});
