import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LARGE_SERIES_CAP, post, startOurGateway, startSimulators, startSubgraphs, stopAll } from './processes.js';

/**
 * Where the large series' time goes (docs/benchmarks.md, "What dominates"): the subgraphs and the gateway
 * run with `--cpu-prof`, the 175,200-reading `readings` query is sent BENCH_PROFILE_REQUESTS times (default
 * 3) one after another, and the profiles land in BENCH_PROFILE_DIR (default ./profiles) when the processes
 * stop. Open them in Chrome's DevTools (Performance) or any .cpuprofile viewer.
 */
const REQUESTS = Number(process.env.BENCH_PROFILE_REQUESTS ?? 3);
const DIR = process.env.BENCH_PROFILE_DIR ?? join(process.cwd(), 'profiles');
const profile = (name: string) => ['--cpu-prof', `--cpu-prof-dir=${join(DIR, name)}`];

const dataDir = mkdtempSync(join(tmpdir(), 'gridgraph-profile-'));
try {
  const simulators = await startSimulators();
  const subgraphs = await startSubgraphs(simulators, dataDir, { ...LARGE_SERIES_CAP, HISTORY_CACHE_MAX_MB: '0' }, profile('subgraphs'));
  const gateway = await startOurGateway(subgraphs, 'gridgraph gateway', profile('gateway'), LARGE_SERIES_CAP);
  const query = `query Large($range: ReadingRange!) { openvoltMeters(first: 10) { nodes { id consumption(range: $range) { count readings { start value quality } } } } }`;
  for (let i = 0; i < REQUESTS; i++) {
    const range = { from: `${2024 + (i % 2)}-01-01T00:00:00Z`, to: `${2025 + (i % 2)}-01-01T00:00:00Z`, resolution: 'HALF_HOUR' };
    const started = performance.now();
    const response = await post(gateway.url, { query, variables: { range } });
    const size = (await response.text()).length;
    console.log(`request ${i + 1}: ${response.status}, ${(size / 1e6).toFixed(1)} MB in ${(performance.now() - started).toFixed(0)} ms`);
  }
} finally {
  stopAll();
  await new Promise((resolve) => setTimeout(resolve, 3000)); // the profiles are written as the processes exit
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(`profiles in ${DIR}/subgraphs and ${DIR}/gateway`);
