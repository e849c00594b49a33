import 'reflect-metadata';
import type { RunningSimulator } from '../shared/simulator/server.js';
import { PROVIDERS } from '../subgraphs/registry.js';

/**
 * Every provider's simulator in a process of its own (bench/processes.ts starts it), so that the fake
 * providers' work is not counted as the subgraphs' or the gateways'. Prints one JSON line when all
 * listen: the settings that point a subgraph at each (`<PREFIX>_API_URL`, credentials) and each
 * simulator's URL, where its counters (`/_simulator/stats`) and faults (`/_simulator/faults`) are.
 */
const env: Record<string, string> = {};
const urls: Record<string, string> = {};
const running: RunningSimulator[] = [];
for (const provider of PROVIDERS) {
  const { startForSubgraph } = await provider.simulator();
  const started = await startForSubgraph(process.env, { host: '127.0.0.1', port: 0, faults: {} });
  running.push(started.simulator);
  Object.assign(env, started.env);
  urls[provider.name] = started.simulator.url;
}
console.log(JSON.stringify({ env, urls }));

process.on('SIGTERM', () => {
  void Promise.all(running.map((simulator) => simulator.stop())).finally(() => process.exit(0));
});
