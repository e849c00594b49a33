import { readFileSync } from 'node:fs';
import { SUPERGRAPH_PATH, readGatewayConfig, startGateway, subgraphUrlsFromEnv } from '../gateway/index.js';

/** The gateway alone, as the benchmarks run it in a child process (bench/processes.ts). */
const sdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
const gateway = await startGateway({
  ...readGatewayConfig(process.env),
  supergraphSdl: sdl,
  subgraphUrls: subgraphUrlsFromEnv(sdl, process.env),
});

// Stopped with SIGTERM: exit normally, so that a `--cpu-prof` profile is written.
process.on('SIGTERM', () => {
  void gateway.stop().finally(() => process.exit(0));
});
