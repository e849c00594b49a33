import { readFileSync } from 'node:fs';
import { SUPERGRAPH_PATH, readGatewayConfig, startGateway, subgraphUrlsFromEnv } from '../gateway/index.js';

/**
 * The gateway alone, as bench/throughput.ts runs it in a child process. BENCH_TUNING=off starts it
 * without the performance work (no keep-alive to subgraphs, no query-plan cache): the "before" figures.
 */
const sdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
const off = process.env.BENCH_TUNING === 'off';
await startGateway({
  ...readGatewayConfig(process.env),
  supergraphSdl: sdl,
  subgraphUrls: subgraphUrlsFromEnv(sdl, process.env),
  ...(off ? { tuning: { keepAlive: false, queryPlanCacheMiB: 0 } } : {}),
});
