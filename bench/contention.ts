import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGatewayConfig } from '../gateway/config.js';
import { SHARED_METERING_POINTS } from '../shared/simulator/index.js';
import { post, rssMiB, startOurGateway, startSimulators, startSubgraphs, stopAll, type Operation } from './processes.js';

/**
 * `npm run bench:contention`: a small query's latency while the worst queries the limits allow run, against
 * idle (docs/query-planning.md). The simulators, the subgraphs and our gateway run in processes of their
 * own (bench/processes.ts; the gateway's memory is read from /proc). BENCH_ATTACKERS clients (default 3) each send, in turn, thirty
 * metering-point lookups under alias names never seen before (a new plan every time) and the largest
 * readings query GATEWAY_MAX_READINGS allows (Openvolt meters × a year of half hours), for BENCH_DURATION
 * seconds (default 15); request deadlines are two minutes (bench/processes.ts), so that every worst query is
 * answered in full. Meanwhile one client sends the small query, one at a time.
 * Printed: the small query's p50 and p95, idle and contended, and the gateway's peak RSS.
 */
const DURATION_MS = Number(process.env.BENCH_DURATION ?? 15) * 1000;
const ATTACKERS = Number(process.env.BENCH_ATTACKERS ?? 3);
const IDLE_SAMPLES = 40;

const SMALL: Operation = { query: 'query Small { openvoltMeters(first: 1) { nodes { id meterNumber status } } }' };
// As many Openvolt meters × a year of half hours (17,520 readings each) as GATEWAY_MAX_READINGS allows.
const MAX_READINGS = readGatewayConfig(process.env).limits.maxReadings;
const LARGEST_METERS = Math.max(1, Math.floor(MAX_READINGS / 17_520));
const LARGEST_READINGS: Operation = {
  query: `query Largest($range: ReadingRange!) { openvoltMeters(first: ${LARGEST_METERS}) { nodes { id consumption(range: $range) { count readings { start value quality } } } } }`,
  variables: { range: { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', resolution: 'HALF_HOUR', timeZone: 'UTC' } },
};
let round = 0;
/** Thirty lookups of the metering point every provider knows, under alias names never planned before. */
function freshlyAliasedLookups(): Operation {
  round += 1;
  const fields = 'id openvoltMeters { id } volueMeters { id } umeterConnection { id } enerkeyMeters { id } intellimeterPoints { id }';
  const lookups = Array.from(
    { length: 30 },
    (_, i) => `r${round}n${i}: meteringPoint(id: "${SHARED_METERING_POINTS.officeEan}") { ${fields} }`,
  );
  return { query: `query { ${lookups.join(' ')} }` };
}

const dataDir = mkdtempSync(join(tmpdir(), 'gridgraph-contention-'));
try {
  const simulators = await startSimulators();
  const subgraphs = await startSubgraphs(simulators, dataDir);
  const gateway = await startOurGateway(subgraphs);
  const pid = gateway.pid;
  const errors = new Set<string>();
  const timed = async (operation: Operation): Promise<{ ms: number; ok: boolean }> => {
    const started = performance.now();
    const response = await post(gateway.url, operation);
    const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    for (const error of body.errors ?? []) errors.add(String(error.extensions?.code));
    return { ms: performance.now() - started, ok: response.ok && !body.errors?.length };
  };

  await timed(SMALL); // planned and cached
  const idle: number[] = [];
  for (let i = 0; i < IDLE_SAMPLES; i++) idle.push((await timed(SMALL)).ms);
  const baseRss = rssMiB(pid);

  let peakRss = baseRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMiB(pid))), 50);
  const until = performance.now() + DURATION_MS;
  const worst = { lookups: 0, readings: 0, failed: 0 };
  const attackers = Array.from({ length: ATTACKERS }, async () => {
    while (performance.now() < until) {
      for (const [kind, operation] of [
        ['lookups', freshlyAliasedLookups()],
        ['readings', LARGEST_READINGS],
      ] as const) {
        const { ok } = await timed(operation);
        worst[kind] += 1;
        if (!ok) worst.failed += 1;
      }
    }
  });
  const contended: number[] = [];
  while (performance.now() < until) contended.push((await timed(SMALL)).ms);
  await Promise.all(attackers);
  clearInterval(sampler);

  console.log(`Contention — node ${process.version}, gateway in a child process, ${ATTACKERS} clients sending the worst allowed queries`);
  console.log(
    `small query, idle:      p50 ${percentile(idle, 50).toFixed(1)} ms, p95 ${percentile(idle, 95).toFixed(1)} ms (${idle.length} requests)`,
  );
  console.log(
    `small query, contended: p50 ${percentile(contended, 50).toFixed(1)} ms, p95 ${percentile(contended, 95).toFixed(1)} ms (${contended.length} requests)`,
  );
  console.log(
    `worst queries answered: ${worst.lookups} × thirty fresh lookups, ${worst.readings} × ${LARGEST_METERS * 17_520} readings (${worst.failed} with errors${errors.size ? `: ${[...errors].join(', ')}` : ''})`,
  );
  console.log(`gateway RSS: ${baseRss.toFixed(0)} MiB idle, ${peakRss.toFixed(0)} MiB peak`);
} finally {
  stopAll();
  rmSync(dataDir, { recursive: true, force: true });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
