import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GraphQLClient } from 'graphql-request';
import { EXAMPLES_DIR, parseExample } from '../gateway/playground/examples.js';
import { setSimulatorFaults, startOurGateway, startSimulators, startSubgraphs, stopAll, upstreamTotal } from './processes.js';
import { SHARED_METERING_POINTS } from '../shared/simulator/index.js';
import { everyProvidersMeteringPointField } from '../test/support/providers.js';

/**
 * The latency floor (`npx tsx bench/latency-floor.ts`). Every simulator answers each request after an
 * added latency of L ms, and queries that need all five providers are timed through the gateway. When
 * the providers are asked in parallel and tokens and sessions are reused, a query waits for L only as
 * many times in a row as the longest chain of dependent calls at any one provider (its floor), however
 * many providers and meters it touches; sequential waits would show as a multiple of that.
 *
 * Printed per query: the median at L and its ratio to L (`median/L`), the median with no added latency
 * (our own work plus the in-process simulators', on loopback), `waits` = (median at L − median at 0) / L,
 * the number of L the query really waited in a row, and the floor. Nothing is asserted: timings depend
 * on the machine.
 *
 * LATENCY_MS (default 100) is L, LATENCY_ROUNDS (default 7) the measured rounds after LATENCY_WARMUP
 * (default 3) warm-up rounds; the first warm-up round logs in everywhere (tokens and sessions are then
 * reused, as on a running server). `<PROVIDER>_CONCURRENCY` is passed on to the subgraphs.
 *
 * The simulators, the subgraphs and the gateway run in processes of their own (bench/processes.ts). The
 * history cache is off: the same week is asked round after round, and the floor is about upstream waits.
 */
const L = Number(process.env.LATENCY_MS ?? 100);
const ROUNDS = Number(process.env.LATENCY_ROUNDS ?? 7);
const WARMUP = Number(process.env.LATENCY_WARMUP ?? 3);
/** How many Openvolt calls may run at once once the adaptive cap has grown (OPENVOLT_CONCURRENCY_MAX). */
const OPENVOLT_CONCURRENCY = Math.max(Number(process.env.OPENVOLT_CONCURRENCY ?? 8), Number(process.env.OPENVOLT_CONCURRENCY_MAX ?? 64));
const OPENVOLT_METERS = 54;

interface Case {
  name: string;
  query: string;
  variables: Record<string, unknown>;
  /** The longest chain of upstream calls at one provider that must wait for one another. */
  floor: number;
  floorReason: string;
}

const WEEK = { from: '2026-11-02T00:00:00+01:00', to: '2026-11-09T00:00:00+01:00', resolution: 'DAY', timeZone: 'Europe/Amsterdam' };
const portfolio = parseExample(readFileSync(`${EXAMPLES_DIR}portfolio-all-providers.graphql`, 'utf8'), 'portfolio-all-providers.graphql');
const openvoltWaves = Math.ceil(OPENVOLT_METERS / OPENVOLT_CONCURRENCY);

/** Every provider's field of the join; meters with readings give their week's total. */
const EVERY_PROVIDER = everyProvidersMeteringPointField(({ readings }) =>
  readings ? '{ id consumption(range: $range) { total } }' : '{ id meterPointId }',
);

const CASES: Case[] = [
  {
    name: 'one connection, every provider',
    query: `query EveryProviderOneConnection($id: ID!, $range: ReadingRange!) { meteringPoint(id: $id) { id ${EVERY_PROVIDER} } }`,
    variables: { id: SHARED_METERING_POINTS.officeEan, range: WEEK },
    floor: 3,
    floorReason: 'Intellimeter: /data names the points, /point gives each its EAN, then /file; the others need 2 in a row',
  },
  {
    name: 'portfolio: every meter, every provider',
    query: portfolio.query,
    variables: portfolio.variables ?? { range: WEEK },
    floor: Math.max(3, 1 + openvoltWaves),
    floorReason:
      `Openvolt: the meter list, then ${OPENVOLT_METERS} interval-data calls, at most ${OPENVOLT_CONCURRENCY} at a time once the ` +
      `adaptive cap has grown in the warm-up (${openvoltWaves} round(s)); EnerKey and Intellimeter need 3 in a row`,
  },
];

const dataDir = mkdtempSync(join(tmpdir(), 'gridgraph-latency-'));
const simulators = await startSimulators();
const subgraphs = await startSubgraphs(simulators, dataDir, { HISTORY_CACHE_MAX_MB: '0' });
const client = new GraphQLClient((await startOurGateway(subgraphs)).url);

async function medianOf(testCase: Case, latencyMs: number): Promise<{ median: number; calls: number }> {
  await setSimulatorFaults(simulators, { latencyMs });
  const timings: number[] = [];
  let calls = 0;
  for (let round = 0; round < WARMUP + ROUNDS; round += 1) {
    const before = await upstreamTotal(simulators);
    const started = performance.now();
    await client.request(testCase.query, testCase.variables);
    const elapsed = performance.now() - started;
    if (round < WARMUP) continue;
    timings.push(elapsed);
    calls = (await upstreamTotal(simulators)) - before;
  }
  timings.sort((a, b) => a - b);
  return { median: timings[Math.floor(timings.length / 2)]!, calls };
}

try {
  console.log(`Latency floor: every simulator adds L = ${L} ms to each request; medians of ${ROUNDS} rounds after ${WARMUP} warm-up.`);
  console.log(
    `${'query'.padEnd(40)} ${'calls'.padStart(5)} ${'at L ms'.padStart(8)} ${'median/L'.padStart(8)} ${'at 0 ms'.padStart(8)} ${'waits'.padStart(6)} ${'floor'.padStart(6)}`,
  );
  for (const testCase of CASES) {
    const idle = await medianOf(testCase, 0);
    const loaded = await medianOf(testCase, L);
    const waits = (loaded.median - idle.median) / L;
    console.log(
      `${testCase.name.padEnd(40)} ${String(loaded.calls).padStart(5)} ${loaded.median.toFixed(0).padStart(8)} ${(loaded.median / L).toFixed(2).padStart(8)} ${idle.median.toFixed(0).padStart(8)} ${waits.toFixed(2).padStart(6)} ${String(testCase.floor).padStart(6)}`,
    );
    console.log(`  floor ${testCase.floor}: ${testCase.floorReason}`);
  }
} finally {
  stopAll();
  rmSync(dataDir, { recursive: true, force: true });
}
