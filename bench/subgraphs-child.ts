import 'reflect-metadata';
import { startProvider } from '../shared/subgraph/provider.js';
import type { RunningServer } from '../shared/subgraph/server.js';
import { PROVIDERS } from '../subgraphs/registry.js';

/**
 * Every provider's subgraph in one process (bench/processes.ts starts it with each `<PREFIX>_API_URL`
 * pointing at the simulators' process, so no simulator code runs here). Prints one JSON line when all
 * listen: each subgraph's GraphQL URL.
 */
const urls: Record<string, string> = {};
const running: RunningServer[] = [];
for (const provider of PROVIDERS) {
  const { subgraph } = await startProvider(provider, process.env);
  running.push(subgraph);
  urls[provider.name] = `${subgraph.url}/graphql`;
}
console.log(JSON.stringify({ urls }));

process.on('SIGTERM', () => {
  void Promise.all(running.map((server) => server.stop())).finally(() => process.exit(0));
});
