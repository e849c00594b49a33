import autocannon from 'autocannon';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUPERGRAPH_PATH, subgraphsOf } from '../gateway/index.js';
import { unusedPort as freePort } from '../test/support/ports.js';
import {
  ROOT,
  cpuSeconds,
  post,
  rssMiB,
  startOurGateway,
  startServer,
  startSimulators,
  startSubgraphs,
  stopAll,
  SUBGRAPH_HEADERS,
  LARGE_SERIES_CAP,
  upstreamTotal,
  type BenchProcess,
  type Operation,
  type Simulators,
  type Subgraphs,
} from './processes.js';

/**
 * `npm run bench` (issue 23, docs/benchmarks.md): our gateway against Hive Gateway (the peer, serving the
 * same supergraph.graphql) and against the owning subgraph alone, on loopback, simulators without added
 * latency. Hive Gateway and autocannon come from bench/package.json (`npm run bench:install`).
 *
 * Honest load: the headline workloads send distinct requests (each request its own meter and week, or
 * its own meters and year), so no two identical requests are in flight and in-flight deduplication
 * cannot share their work; identical requests are a secondary table. The simulators, the subgraphs and
 * each gateway run in processes of their own (bench/processes.ts), and each measurement reports the CPU
 * time each process spent per request, so the gateway's own cost is visible apart from the subgraph's
 * and the fake providers'. The headline runs with the history cache off (every request pays its
 * upstream calls, whichever target went first); a last section measures it cold against warm.
 *
 * Every measurement is taken BENCH_RUNS times (default 3), all targets in each run, and the medians are
 * printed with the ratios to Hive Gateway taken within each run. Nothing is asserted.
 * BENCH_DURATION (seconds per measurement, default 5), BENCH_CONNECTIONS (default 8) and
 * BENCH_LARGE_REQUESTS (requests per large-series measurement, default 4, over 2 connections) tune it;
 * BENCH_ONLY (a word of the workloads' names, e.g. `large`) measures only those.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const LARGE_REQUESTS = Number(process.env.BENCH_LARGE_REQUESTS ?? 4);
const LARGE_CONNECTIONS = 2;
const ONLY = process.env.BENCH_ONLY;
const chosen = (workload: Workload) => !ONLY || workload.name.includes(ONLY);

/** A workload: the n-th distinct request of it (n counts on across runs and targets, so each request is new). */
interface Workload {
  name: string;
  operation(n: number): Operation;
  /** Also measured straight at the Openvolt subgraph (the query is all Openvolt's). */
  direct: boolean;
  large?: boolean;
}

const METER_FIELDS = 'id meterNumber status';
const week = (n: number) => {
  // Mondays of 2024 and 2025, long final by every provider's rule.
  const from = new Date(Date.UTC(2024, 0, 1) + (n % 104) * 7 * 86_400_000);
  return { from: from.toISOString(), to: new Date(from.getTime() + 7 * 86_400_000).toISOString(), resolution: 'DAY', timeZone: 'UTC' };
};
const year = (n: number) => ({
  from: `${2024 + (n % 2)}-01-01T00:00:00Z`,
  to: `${2025 + (n % 2)}-01-01T00:00:00Z`,
  resolution: 'HALF_HOUR',
  timeZone: 'UTC',
});

let meterIds: string[] = [];
/** The n-th meter, walking the meters in a different order for each pass so (meter, week) pairs keep changing. */
const meter = (n: number) => meterIds[(n * 7) % meterIds.length]!;
/** The cursor before the n-th slice of ten meters. */
const tenMeters = (n: number) => (n % 5 === 0 ? null : Buffer.from(`offset:${(n % 5) * 10 - 1}`).toString('base64url'));

const PORTFOLIO = `query Portfolio($range: ReadingRange!) {
  openvoltMeters(first: 10) { nodes { id meterNumber consumption(range: $range) { total missing } } }
  volueUsers(first: 10) { nodes { id } }
  umeterCustomer { id connections { ean consumption(range: $range) { total missing } } }
  enerkeyMeters(first: 10) { nodes { id name unit } }
  enerkeyMeter(id: "20001") { consumption(range: $range) { total missing } }
  intellimeterPoints(first: 10) { nodes { id name consumption(range: $range) { total missing } } }
}`;

const LARGE = (selection: string) =>
  `query Large($after: String, $range: ReadingRange!) { openvoltMeters(first: 10, after: $after) { nodes { id consumption(range: $range) { count total ${selection} } } } }`;

const WORKLOADS: Workload[] = [
  {
    name: 'small: one Openvolt meter by id',
    direct: true,
    operation: (n) => ({ query: `query Small($id: ID!) { openvoltMeter(id: $id) { ${METER_FIELDS} } }`, variables: { id: meter(n) } }),
  },
  {
    name: 'week by day: one meter, 7 readings',
    direct: true,
    operation: (n) => ({
      query: `query WeekByDay($id: ID!, $range: ReadingRange!) { openvoltMeter(id: $id) { id consumption(range: $range) { total readings { start value quality } } } }`,
      variables: { id: meter(n), range: week(Math.floor(n / meterIds.length)) },
    }),
  },
  {
    name: 'meter with customer and a week’s total',
    direct: true,
    operation: (n) => ({
      query: `query MeterWithCustomer($id: ID!, $range: ReadingRange!) { openvoltMeter(id: $id) { ${METER_FIELDS} customer { id name email } consumption(range: $range) { total } } }`,
      variables: { id: meter(n), range: week(Math.floor(n / meterIds.length)) },
    }),
  },
  {
    name: 'portfolio: every provider, a week by day',
    direct: false,
    operation: (n) => ({ query: PORTFOLIO, variables: { range: week(n) } }),
  },
  {
    name: 'large series as readings: 10 meters × 1 year HALF_HOUR (175,200)',
    direct: true,
    large: true,
    operation: (n) => ({ query: LARGE('readings { start value quality }'), variables: { after: tenMeters(n), range: year(n) } }),
  },
  {
    name: 'large series, compact: values',
    direct: true,
    large: true,
    operation: (n) => ({ query: LARGE('from resolution values'), variables: { after: tenMeters(n), range: year(n) } }),
  },
];

/** What one measurement of one target gives. */
interface Measured {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  upstreamPerRequest: number;
  /** CPU ms per request of each process: gateway (when there is one), subgraphs, simulators. */
  cpuMs: { gateway?: number; subgraph: number; simulator: number };
  peakRssMiB?: number;
}

interface Target extends BenchProcess {
  url: string;
  /** A gateway (its CPU and memory are counted as the gateway's); the subgraph process otherwise. */
  gateway: boolean;
  /** What a request to it carries beside its body (a subgraph: the secret only a gateway knows). */
  headers?: Record<string, string>;
}

const tempDir = mkdtempSync(join(tmpdir(), 'gridgraph-bench-'));
let next = 0;
try {
  const simulators = await startSimulators();
  const subgraphs = await startSubgraphs(simulators, join(tempDir, 'uncached'), { ...LARGE_SERIES_CAP, HISTORY_CACHE_MAX_MB: '0' });
  meterIds = await openvoltMeterIds(subgraphs.urls.openvolt!);
  const ours: Target = { ...(await startOurGateway(subgraphs, 'gridgraph gateway', [], LARGE_SERIES_CAP)), gateway: true };
  const hive: Target = { ...(await startHiveGateway(subgraphs)), gateway: true };
  const direct: Target = {
    name: 'openvolt subgraph',
    url: subgraphs.urls.openvolt!,
    pid: subgraphs.pid,
    gateway: false,
    headers: SUBGRAPH_HEADERS,
  };

  console.log(`Gridgraph bench: loopback, simulators without added latency; node ${process.version}`);
  console.log(
    `${RUNS} run(s); ${DURATION} s and ${CONNECTIONS} connections per measurement (large series: ${LARGE_REQUESTS} requests, 2 connections)`,
  );
  console.log(
    `readings cap of our gateway and the subgraphs: ${LARGE_SERIES_CAP.GATEWAY_MAX_READINGS} (the default, 100,000, is below the large series)`,
  );
  console.log(`processes: simulators ${simulators.pid}, subgraphs ${subgraphs.pid}, our gateway ${ours.pid}, Hive Gateway ${hive.pid}\n`);

  console.log('DISTINCT REQUESTS (no two identical in flight), history cache off');
  for (const workload of WORKLOADS.filter(chosen)) {
    const targets = workload.direct ? [ours, hive, direct] : [ours, hive];
    const runs = await measureRuns(workload, targets, simulators, subgraphs);
    report(workload.name, targets, runs);
  }

  console.log('\nIDENTICAL REQUESTS (every connection sends the same body: in-flight deduplication shares them)');
  for (const workload of WORKLOADS.filter((w) => chosen(w) && (w.name.startsWith('small') || w.name.startsWith('portfolio')))) {
    const same = workload.operation(0);
    const runs = await measureRuns(
      { ...workload, name: `${workload.name}, identical`, operation: () => same },
      [ours, hive],
      simulators,
      subgraphs,
    );
    report(`${workload.name}, identical`, [ours, hive], runs);
  }

  console.log('\nHISTORY CACHE: the same distinct requests cold (first time) and warm (again), our gateway, default settings');
  const cached = await startSubgraphs(simulators, join(tempDir, 'cached'), LARGE_SERIES_CAP);
  const oursCached: Target = { ...(await startOurGateway(cached, 'our gateway, cache on', [], LARGE_SERIES_CAP)), gateway: true };
  for (const workload of [WORKLOADS[1]!, WORKLOADS[5]!].filter(chosen)) {
    const amount = workload.large ? LARGE_REQUESTS : 200;
    const first = next;
    const cold = await measure(oursCached, workload, simulators, cached, { amount, from: first });
    const warm = await measure(oursCached, workload, simulators, cached, { amount, from: first });
    next = first + amount;
    console.log(`${workload.name} (${amount} distinct requests)`);
    printHeader();
    printRow('cold', cold);
    printRow('warm', warm);
    console.log(`warm / cold: p50 ×${(warm.p50 / cold.p50).toFixed(2)}, req/s ×${(warm.rps / cold.rps).toFixed(2)}`);
  }
} finally {
  stopAll();
  rmSync(tempDir, { recursive: true, force: true });
}

/** Every target measured once per run, the targets in turn; distinct requests throughout. */
async function measureRuns(workload: Workload, targets: Target[], simulators: Simulators, subgraphs: Subgraphs) {
  const runs: Array<Record<string, Measured>> = [];
  for (let run = 0; run < RUNS; run++) {
    const results: Record<string, Measured> = {};
    for (const target of targets) results[target.name] = await measure(target, workload, simulators, subgraphs);
    runs.push(results);
  }
  return runs;
}

function report(name: string, targets: Target[], runs: Array<Record<string, Measured>>): void {
  console.log(`\n${name}`);
  printHeader();
  for (const target of targets) printRow(target.name, medianOf(runs.map((run) => run[target.name]!)));
  const [ours, peer] = targets;
  const ratios = runs.map((run) => {
    const a = run[ours!.name]!;
    const b = run[peer!.name]!;
    return { rps: a.rps / b.rps, p50: a.p50 / b.p50, cpu: a.cpuMs.gateway! / b.cpuMs.gateway! };
  });
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(
    `ours / Hive Gateway, median of ${runs.length} run(s): req/s ×${median(ratios.map((r) => r.rps)).toFixed(2)}, p50 ×${median(ratios.map((r) => r.p50)).toFixed(2)}, gateway CPU/request ×${median(ratios.map((r) => r.cpu)).toFixed(2)}` +
      `  (req/s by run: ${ratios.map((r) => `×${r.rps.toFixed(2)}`).join(' ')})`,
  );
  const direct = targets.find((target) => !target.gateway);
  if (direct) {
    const gatewayP50 = median(runs.map((run) => run[ours!.name]!.p50 / run[direct.name]!.p50));
    console.log(`ours / subgraph alone: p50 ×${gatewayP50.toFixed(2)}`);
  }
}

function medianOf(measured: Measured[]): Measured {
  const median = (pick: (m: Measured) => number | undefined) => {
    const values = measured.map(pick).filter((v): v is number => v !== undefined);
    return values.length === 0 ? undefined : [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  };
  return {
    rps: median((m) => m.rps)!,
    p50: median((m) => m.p50)!,
    p99: median((m) => m.p99)!,
    requests: median((m) => m.requests)!,
    errors: measured.reduce((sum, m) => sum + m.errors, 0),
    upstreamPerRequest: median((m) => m.upstreamPerRequest)!,
    cpuMs: {
      gateway: median((m) => m.cpuMs.gateway),
      subgraph: median((m) => m.cpuMs.subgraph)!,
      simulator: median((m) => m.cpuMs.simulator)!,
    },
    peakRssMiB: median((m) => m.peakRssMiB),
  };
}

function printHeader(): void {
  const cells = ['req/s', 'p50 ms', 'p99 ms', 'upstream/req', 'gateway CPU', 'subgraph CPU', 'simulator CPU', 'peak RSS'];
  console.log(`${'target'.padEnd(22)} ${cells.map((cell) => cell.padStart(13)).join(' ')}   (CPU: ms per request; RSS: gateway MiB)`);
}

function printRow(name: string, m: Measured): void {
  const ms = (value: number | undefined) => (value === undefined ? '' : value.toFixed(value < 10 ? 2 : 0));
  const cells = [
    m.rps.toFixed(1),
    m.p50.toFixed(1),
    m.p99.toFixed(1),
    m.upstreamPerRequest.toFixed(1),
    ms(m.cpuMs.gateway),
    ms(m.cpuMs.subgraph),
    ms(m.cpuMs.simulator),
    m.peakRssMiB === undefined ? '' : m.peakRssMiB.toFixed(0),
  ];
  console.log(`${name.padEnd(22)} ${cells.map((cell) => cell.padStart(13)).join(' ')}${m.errors ? `   (${m.errors} errors)` : ''}`);
}

/**
 * One target under one workload: autocannon sends the workload's distinct requests in turn (`from` on,
 * or where the previous measurement stopped); the processes' CPU time and the simulators' counters are
 * read before and after, the gateway's RSS sampled every 20 ms.
 */
async function measure(
  target: Target,
  workload: Workload,
  simulators: Simulators,
  subgraphs: Subgraphs,
  options: { amount?: number; from?: number } = {},
): Promise<Measured> {
  let n = options.from ?? next;
  const check = await post(target.url, workload.operation(n++), target.headers);
  const body = (await check.json()) as { errors?: unknown[] };
  if (!check.ok || body.errors) throw new Error(`${target.name} answered ${check.status}: ${JSON.stringify(body.errors).slice(0, 500)}`);

  const processes = { gateway: target.gateway ? target.pid : undefined, subgraph: subgraphs.pid, simulator: simulators.pid };
  const cpuBefore = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, pid && cpuSeconds(pid)]));
  const upstreamBefore = await upstreamTotal(simulators);
  let peakRss = target.gateway ? rssMiB(target.pid) : 0;
  const sampler = target.gateway ? setInterval(() => (peakRss = Math.max(peakRss, rssMiB(target.pid))), 20) : undefined;
  const amount = options.amount ?? (workload.large ? LARGE_REQUESTS : undefined);
  const connections = Math.min(workload.large ? LARGE_CONNECTIONS : CONNECTIONS, amount ?? Infinity);
  try {
    const result = await autocannon({
      url: target.url,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers },
      // Each request is built as it is sent: the next distinct operation of the workload.
      requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify(workload.operation(n++)) }) }],
      connections,
      timeout: 300, // a large-series answer takes seconds
      ...(amount === undefined ? { duration: DURATION } : { amount }),
    });
    await settled(simulators);
    // Requests still in flight when autocannon stops were sent and served too: their upstream calls and CPU are counted.
    const requests = result.requests.sent;
    if (result.requests.total === 0) throw new Error(`${target.name}: no request completed in ${DURATION} s; raise BENCH_DURATION`);
    const perRequest = (pid: number | undefined, before: number | undefined) =>
      pid === undefined || before === undefined ? undefined : ((cpuSeconds(pid) - before) * 1000) / requests;
    next = Math.max(next, n);
    return {
      rps: result.requests.total / (result.duration || DURATION),
      p50: result.latency.p50,
      p99: result.latency.p99,
      requests: result.requests.total,
      errors: result.errors + result.non2xx + result.timeouts,
      upstreamPerRequest: ((await upstreamTotal(simulators)) - upstreamBefore) / requests,
      cpuMs: {
        gateway: perRequest(processes.gateway, cpuBefore.gateway),
        subgraph: perRequest(processes.subgraph, cpuBefore.subgraph)!,
        simulator: perRequest(processes.simulator, cpuBefore.simulator)!,
      },
      ...(target.gateway ? { peakRssMiB: peakRss } : {}),
    };
  } finally {
    if (sampler) clearInterval(sampler);
  }
}

/** autocannon stops with requests in flight: wait until the simulators have been quiet for 300 ms. */
async function settled(simulators: Simulators): Promise<void> {
  let last = -1;
  for (let total = await upstreamTotal(simulators); total !== last; total = await upstreamTotal(simulators)) {
    last = total;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function openvoltMeterIds(url: string): Promise<string[]> {
  const response = await post(url, { query: '{ openvoltMeters(first: 100) { nodes { id } } }' }, SUBGRAPH_HEADERS);
  const body = (await response.json()) as { data: { openvoltMeters: { nodes: Array<{ id: string }> } } };
  return body.data.openvoltMeters.nodes.map((node) => node.id);
}

/** Hive Gateway serving a copy of supergraph.graphql whose subgraph URLs point at this run's subgraphs. */
async function startHiveGateway(subgraphs: Subgraphs): Promise<BenchProcess & { url: string }> {
  let sdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
  for (const { name, url } of subgraphsOf(sdl)) {
    sdl = sdl.replace(`@join__graph(name: "${name}", url: "${url}")`, `@join__graph(name: "${name}", url: "${subgraphs.urls[name]}")`);
  }
  const path = join(tempDir, 'supergraph.graphql');
  writeFileSync(path, sdl);
  // The subgraphs answer only a caller with the secret: Hive Gateway adds it to every subgraph request.
  const headers = JSON.stringify(SUBGRAPH_HEADERS);
  writeFileSync(
    join(tempDir, 'gateway.config.mjs'),
    `export const gatewayConfig = { propagateHeaders: { fromClientToSubgraphs: () => (${headers}) } };\n`,
  );
  const port = await freePort();
  const bin = join(ROOT, 'bench/node_modules/@graphql-hive/gateway/dist/bin.js');
  return startServer(
    'Hive Gateway',
    `http://127.0.0.1:${port}/graphql`,
    [bin, 'supergraph', path, '--port', String(port), '--host', '127.0.0.1', '--fork', '0'],
    {
      cwd: tempDir,
      env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'error' },
    },
  );
}
