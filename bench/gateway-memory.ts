import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGatewayConfig } from '../gateway/config.js';
import { GATEWAY_NODE_OPTIONS } from '../gateway/node-options.js';
import { post, startOurGateway, startSimulators, startSubgraphs, stopAll, type Operation } from './processes.js';

/**
 * `npm run bench:memory`: the gateway's peak RSS for the largest query its limits allow (docs/benchmarks.md,
 * "Memory"). The gateway runs alone in a child process, with the Node options it runs with in production
 * (gateway/node-options.ts, as `npm run start:gateway` and the image start it); the subgraphs and the
 * simulators run in processes of their own (bench/processes.ts). The kernel's high-water mark of the child's resident memory (VmHWM, reset between
 * phases through /proc/<pid>/clear_refs) is the peak, so no sample can miss it. Linux only.
 *
 * The largest query: as many Openvolt meters × a year of half hours as GATEWAY_MAX_READINGS allows, each
 * series in every per-reading form at once (`readings { start end value quality }`, `values`, `starts`),
 * which the cap counts once. Deadlines and Openvolt's call timeout are minutes here, so
 * that every answer arrives in full on a loaded machine.
 * BENCH_GATEWAY_NODE_OPTIONS adds options of its own (to try others). Printed: idle, the query once (BENCH_ROUNDS times, one at a time), and BENCH_PARALLEL (default 2) at once, each
 * over a year from another day, so that the gateway does not share one subgraph answer among them.
 */
const LONG_DEADLINES = { GATEWAY_REQUEST_TIMEOUT_MS: '300000', SUBGRAPH_REQUEST_TIMEOUT_MS: '300000', OPENVOLT_TIMEOUT_MS: '120000' };
const EXTRA_NODE_OPTIONS = process.env.BENCH_GATEWAY_NODE_OPTIONS?.split(/\s+/).filter(Boolean) ?? [];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 2);

const YEAR_OF_HALF_HOURS = 365 * 48 + 1; // the readings estimate of one series
const MAX_READINGS = readGatewayConfig(process.env).limits.maxReadings;
const METERS = Math.max(1, Math.floor(MAX_READINGS / YEAR_OF_HALF_HOURS));
/** The largest query, over the year from January `day`: queries of different days are not shared upstream. */
function largest(day: number): Operation {
  const from = `2025-01-${String(day).padStart(2, '0')}T00:00:00Z`;
  const to = `2026-01-${String(day).padStart(2, '0')}T00:00:00Z`;
  return {
    query: `query Largest($range: ReadingRange!) { openvoltMeters(first: ${METERS}) { nodes { id consumption(range: $range) {
      resolution unit timeZone from to total count missing readings { start end value quality } values starts } } } }`,
    variables: { range: { from, to, resolution: 'HALF_HOUR', timeZone: 'Europe/London' } },
  };
}

/** A line of /proc/<pid>/status in MiB: VmRSS now, VmHWM the peak since the last reset. */
function memoryMiB(pid: number, line: 'VmRSS' | 'VmHWM'): number {
  const kib = Number(new RegExp(`${line}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return kib / 1024;
}

/** Starts a new peak: VmHWM drops to the current RSS (Linux ≥ 4.0). */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

const dataDir = mkdtempSync(join(tmpdir(), 'gridgraph-memory-'));
try {
  const simulators = await startSimulators();
  const subgraphs = await startSubgraphs(simulators, dataDir, { ...LONG_DEADLINES, HISTORY_CACHE_MAX_MB: '0' });
  const gateway = await startOurGateway(subgraphs, 'gridgraph gateway', EXTRA_NODE_OPTIONS, LONG_DEADLINES);
  const pid = gateway.pid;
  const answer = async (day: number): Promise<string> => {
    const response = await post(gateway.url, largest(day));
    const text = await response.text();
    const body = JSON.parse(text) as {
      data?: { openvoltMeters?: { nodes: Array<{ consumption?: { count: number } }> } };
      errors?: unknown[];
    };
    const readings = (body.data?.openvoltMeters?.nodes ?? []).reduce((sum, node) => sum + (node.consumption?.count ?? 0), 0);
    const errors = body.errors?.length ? `, ${body.errors.length} errors: ${JSON.stringify(body.errors[0]).slice(0, 200)}` : '';
    return `${readings} readings, ${(text.length / 2 ** 20).toFixed(1)} MiB of JSON${errors}`;
  };
  const phase = async (label: string, run: () => Promise<string[]>) => {
    resetPeak(pid);
    const started = performance.now();
    const answers = await run();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `${label.padEnd(22)} peak ${memoryMiB(pid, 'VmHWM').toFixed(0)} MiB, after ${memoryMiB(pid, 'VmRSS').toFixed(0)} MiB (${seconds} s; ${answers.join('; ')})`,
    );
  };

  console.log(
    `Gateway memory — node ${process.version}, Node options "${[...GATEWAY_NODE_OPTIONS, ...EXTRA_NODE_OPTIONS].join(' ')}", the largest query: ${METERS} meters × ${YEAR_OF_HALF_HOURS} readings`,
  );
  await post(gateway.url, { query: '{ openvoltMeters(first: 1) { nodes { id } } }' });
  await phase('idle', async () => []);
  for (let round = 1; round <= ROUNDS; round++) await phase(`largest, once (${round})`, async () => [await answer(round)]);
  await phase(`largest, ${PARALLEL} at once`, () =>
    Promise.all(Array.from({ length: PARALLEL }, (_, index) => answer(ROUNDS + 1 + index))),
  );
} finally {
  stopAll();
  rmSync(dataDir, { recursive: true, force: true });
}
