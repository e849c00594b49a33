import 'reflect-metadata';
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUPERGRAPH_PATH, subgraphsOf } from '../gateway/index.js';
import { startThrowawayStack } from '../scripts/stack.js';
import { SUBGRAPH_SECRET_HEADER, SUBGRAPH_SECRET_SETTING } from '../shared/subgraph/gateway-secret.js';
import { ROOT, freePort, post, rssMiB, startOurGateway, waitFor, type Operation, type Target } from './support.js';

/**
 * `npm run bench`: throughput and latency of three queries through our gateway, through Hive Gateway
 * (the peer, serving the same supergraph.graphql) and straight to the owning subgraphs, in one run on
 * loopback against the simulators (no added latency). See README.md, "Benchmarks". Hive Gateway and
 * autocannon come from bench/package.json, which `npm run bench` installs into bench/node_modules.
 *
 * Both gateways run in child processes (so their memory can be read and they do not share an event
 * loop with the subgraphs); the simulators and subgraphs run in this process, started by startThrowawayStack.
 * Nothing here is asserted: the figures are printed, and ratios are taken within this one run, so a
 * busy machine slows every target alike.
 *
 * BENCH_DURATION (seconds per measurement, default 8), BENCH_CONNECTIONS (default 8) and
 * BENCH_LARGE_REQUESTS (requests per large-series measurement, default 6; 2 connections) tune the load.
 */
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const LARGE_REQUESTS = Number(process.env.BENCH_LARGE_REQUESTS ?? 6);

const WEEK_BY_DAY = { from: '2025-03-03T00:00:00Z', to: '2025-03-10T00:00:00Z', resolution: 'DAY', timeZone: 'UTC' };
const YEAR_BY_HALF_HOUR = { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', resolution: 'HALF_HOUR', timeZone: 'UTC' };

/** (a) one Openvolt meter by id. */
const SMALL: Operation = { query: 'query Small($id: ID!) { openvoltMeter(id: $id) { id meterNumber status } }' };

/** (b) every provider's meters (or users, or connections) with a week by day, one root field each. */
const PORTFOLIO_PARTS: Record<string, string> = {
  openvolt: 'openvoltMeters(first: 10) { nodes { id meterNumber consumption(range: $range) { total missing } } }',
  volue: 'volueUsers(first: 10) { nodes { id meters { id meterNumber } } }',
  umeter: 'umeterCustomer { id connections { ean consumption(range: $range) { total missing } } }',
  enerkey: 'enerkeyMeters(first: 10) { nodes { id name unit } } enerkeyMeter(id: "20001") { consumption(range: $range) { total missing } }',
  intellimeter: 'intellimeterPoints(first: 10) { nodes { id name consumption(range: $range) { total missing } } }',
};
const needsRange = (part: string) => part.includes('$range');
const portfolioPart = (name: string): Operation => ({
  query: `query Portfolio_${name}${needsRange(PORTFOLIO_PARTS[name]!) ? '($range: ReadingRange!)' : ''} { ${PORTFOLIO_PARTS[name]} }`,
  variables: needsRange(PORTFOLIO_PARTS[name]!) ? { range: WEEK_BY_DAY } : {},
});
const PORTFOLIO: Operation = {
  query: `query Portfolio($range: ReadingRange!) { ${Object.values(PORTFOLIO_PARTS).join(' ')} }`,
  variables: { range: WEEK_BY_DAY },
};

/** (c) ten Openvolt meters × one year at HALF_HOUR (175,200 readings), as readings and in the compact form. */
const LARGE_READINGS: Operation = {
  query:
    'query LargeReadings($range: ReadingRange!) { openvoltMeters(first: 10) { nodes { id consumption(range: $range) { count total readings { start value quality } } } } }',
  variables: { range: YEAR_BY_HALF_HOUR },
};

const LARGE_COMPACT: Operation = {
  query:
    'query LargeCompact($range: ReadingRange!) { openvoltMeters(first: 10) { nodes { id consumption(range: $range) { count total from resolution values } } } }',
  variables: { range: YEAR_BY_HALF_HOUR },
};

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  peakRssMiB?: number;
  baseRssMiB?: number;
}

const stack = await startThrowawayStack({ LOG_LEVEL: 'error' });
const children: ChildProcess[] = [];
const tempDir = mkdtempSync(join(tmpdir(), 'gridgraph-bench-'));
try {
  const subgraphUrl = (name: string) => `${stack.subgraphs[name]!.subgraph.url}/graphql`;
  const names = Object.keys(stack.subgraphs);
  // The portfolio is every provider that has a part in it; a provider added since is named here until it has one.
  const inPortfolio = names.filter((name) => name in PORTFOLIO_PARTS);
  const missing = names.filter((name) => !inPortfolio.includes(name));
  if (missing.length > 0) console.log(`(b) leaves out ${missing.join(', ')}: add a query to PORTFOLIO_PARTS (bench/throughput.ts)\n`);
  const meterId = await firstOpenvoltMeter(subgraphUrl('openvolt'));
  SMALL.variables = { id: meterId };

  const urls = names.map((name): [string, string] => [name, subgraphUrl(name)]);
  const ours = await startOurGateway(children, urls, 'gridgraph gateway', { [SUBGRAPH_SECRET_SETTING]: stack.subgraphSecret });
  const before = await startOurGateway(children, urls, 'gridgraph, untuned', {
    BENCH_TUNING: 'off',
    [SUBGRAPH_SECRET_SETTING]: stack.subgraphSecret,
  });
  const hive = await startHiveGateway(urls);
  const gateways = [ours, hive];

  console.log(`Gridgraph bench — loopback, simulators without added latency, ${DURATION} s per measurement`);
  console.log(`node ${process.version}, ${CONNECTIONS} connections (large series: 2), both gateways in child processes\n`);

  // (a)
  header('(a) small query: one Openvolt meter by id');
  const small = await compare(SMALL, gateways, { name: 'openvolt subgraph', url: subgraphUrl('openvolt') }, ['openvolt']);
  small[before.name] = await measureAndPrint(before, SMALL, ['openvolt']);
  beforeAfter(small[before.name]!, small[ours.name]!);

  // (b)
  header('(b) portfolio: every provider in one query (week by day)');
  const portfolioGateways: Record<string, Measured> = {};
  for (const gateway of gateways) portfolioGateways[gateway.name] = await measureAndPrint(gateway, PORTFOLIO, inPortfolio);
  const parts: Record<string, Measured> = {};
  for (const name of inPortfolio)
    parts[name] = await measureAndPrint({ name: `  ${name} part`, url: subgraphUrl(name) }, portfolioPart(name), [name]);
  const slowest = Object.values(parts).reduce((a, b) => (b.p50 > a.p50 ? b : a));
  const sumP50 = Object.values(parts).reduce((sum, part) => sum + part.p50, 0);
  console.log(
    `parts: slowest p50 ${slowest.p50.toFixed(1)} ms, sum of p50 ${sumP50.toFixed(1)} ms (what the parts cost one after another)`,
  );
  for (const gateway of gateways) {
    const measured = portfolioGateways[gateway.name]!;
    console.log(
      `${gateway.name}: p50 ×${(measured.p50 / slowest.p50).toFixed(2)} the slowest part, ×${(measured.p50 / sumP50).toFixed(2)} the sum`,
    );
  }
  ratioToPeer(portfolioGateways[ours.name]!, portfolioGateways[hive.name]!);
  beforeAfter(await measureAndPrint(before, PORTFOLIO, inPortfolio), portfolioGateways[ours.name]!);

  // (c)
  header('(c) large series: 10 Openvolt meters × 1 year at HALF_HOUR (175,200 readings)');
  const openvolt = { name: 'openvolt subgraph', url: subgraphUrl('openvolt') };
  console.log('as readings { start value quality }:');
  const large = await compare(LARGE_READINGS, gateways, openvolt, ['openvolt'], 2);
  beforeAfter(await measureAndPrint(before, LARGE_READINGS, ['openvolt'], 2), large[ours.name]!);
  console.log('in the compact form (values):');
  const compact = await compare(LARGE_COMPACT, gateways, openvolt, ['openvolt'], 2);
  for (const target of [...gateways, openvolt]) {
    const [readings, values] = [large[target.name]!, compact[target.name]!];
    console.log(
      `${target.name}: values / readings p50 ×${(values.p50 / readings.p50).toFixed(2)}, req/s ×${(values.rps / readings.rps).toFixed(2)}`,
    );
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  await stack.stop();
  rmSync(tempDir, { recursive: true, force: true });
}

async function compare(
  operation: Operation,
  gateways: Target[],
  subgraph: Target,
  providers: string[],
  connections = CONNECTIONS,
): Promise<Record<string, Measured>> {
  const results: Record<string, Measured> = {};
  for (const target of [...gateways, subgraph]) results[target.name] = await measureAndPrint(target, operation, providers, connections);
  const direct = results[subgraph.name]!;
  for (const gateway of gateways) {
    const measured = results[gateway.name]!;
    console.log(
      `${gateway.name} / subgraph: p50 ×${(measured.p50 / direct.p50).toFixed(2)}, req/s ×${(measured.rps / direct.rps).toFixed(2)}`,
    );
  }
  ratioToPeer(results[gateways[0]!.name]!, results[gateways[1]!.name]!);
  return results;
}

function ratioToPeer(ours: Measured, peer: Measured): void {
  console.log(
    `ours / Hive Gateway: p50 ×${(ours.p50 / peer.p50).toFixed(2)}, p99 ×${(ours.p99 / peer.p99).toFixed(2)}, req/s ×${(ours.rps / peer.rps).toFixed(2)}`,
  );
}

function beforeAfter(before: Measured, after: Measured): void {
  console.log(`tuned / untuned: p50 ×${(after.p50 / before.p50).toFixed(2)}, req/s ×${(after.rps / before.rps).toFixed(2)}`);
}

function header(title: string): void {
  console.log(`\n${title}`);
  console.log(
    `${'target'.padEnd(22)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'upstream/req'.padStart(13)} ${'RSS MiB (idle→peak)'.padStart(20)}`,
  );
}

async function measureAndPrint(target: Target, operation: Operation, providers: string[], connections = CONNECTIONS): Promise<Measured> {
  const calls = await upstreamCallsOf(target.url, operation, providers);
  const measured = await measure(target, operation, connections);
  const rss = measured.peakRssMiB === undefined ? '' : `${measured.baseRssMiB!.toFixed(0)}→${measured.peakRssMiB.toFixed(0)}`;
  console.log(
    `${target.name.padEnd(22)} ${measured.rps.toFixed(1).padStart(8)} ${measured.p50.toFixed(1).padStart(8)} ${measured.p99.toFixed(1).padStart(8)} ${String(calls).padStart(13)} ${rss.padStart(20)}${measured.errors ? `  (${measured.errors} errors)` : ''}`,
  );
  return measured;
}

/** One request on its own, checked for errors; the simulators' counters say what it cost upstream. */
async function upstreamCallsOf(url: string, operation: Operation, providers: string[]): Promise<number> {
  for (const name of providers) stack.simulator(name).reset();
  const response = await post(url, operation);
  const body = (await response.json()) as { errors?: unknown[] };
  if (!response.ok || body.errors) throw new Error(`${url} answered ${response.status}: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return providers.reduce((sum, name) => sum + stack.simulator(name).stats().total, 0);
}

async function measure(target: Target, operation: Operation, connections: number): Promise<Measured> {
  const baseRss = target.pid ? rssMiB(target.pid) : undefined;
  let peakRss = baseRss ?? 0;
  const sampler = target.pid ? setInterval(() => (peakRss = Math.max(peakRss, rssMiB(target.pid!))), 20) : undefined;
  try {
    const result = await autocannon({
      url: target.url,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(operation),
      connections,
      timeout: 300, // autocannon's default of 10 s would count a large-series answer as a timeout
      // A large-series request takes seconds: count requests, not seconds, so every target completes some.
      ...(connections < CONNECTIONS ? { amount: LARGE_REQUESTS } : { duration: DURATION }),
    });
    await settled();
    return {
      rps: result.requests.total / (result.duration || DURATION),
      p50: result.latency.p50,
      p99: result.latency.p99,
      requests: result.requests.total,
      errors: result.errors + result.non2xx + result.timeouts,
      ...(baseRss === undefined ? {} : { baseRssMiB: baseRss, peakRssMiB: peakRss }),
    };
  } finally {
    if (sampler) clearInterval(sampler);
  }
}

/** autocannon stops with requests in flight: wait until the simulators have been quiet for 300 ms. */
async function settled(): Promise<void> {
  const total = () => Object.keys(stack.subgraphs).reduce((sum, name) => sum + stack.simulator(name).stats().total, 0);
  let last = -1;
  while (last !== total()) {
    last = total();
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function firstOpenvoltMeter(url: string): Promise<string> {
  const response = await post(
    url,
    { query: '{ openvoltMeters(first: 1) { nodes { id } } }' },
    { [SUBGRAPH_SECRET_HEADER]: stack.subgraphSecret },
  );
  const body = (await response.json()) as { data: { openvoltMeters: { nodes: Array<{ id: string }> } } };
  return body.data.openvoltMeters.nodes[0]!.id;
}

/** Hive Gateway serving a copy of supergraph.graphql whose subgraph URLs point at this run's ports. */
async function startHiveGateway(urls: Array<[string, string]>): Promise<Target> {
  let sdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
  const byName = new Map(urls);
  for (const { name, url } of subgraphsOf(sdl)) {
    sdl = sdl.replace(`@join__graph(name: "${name}", url: "${url}")`, `@join__graph(name: "${name}", url: "${byName.get(name)}")`);
  }
  const path = join(tempDir, 'supergraph.graphql');
  writeFileSync(path, sdl);
  const port = await freePort();
  const bin = join(ROOT, 'bench/node_modules/@graphql-hive/gateway/dist/bin.js');
  const child = spawn(process.execPath, [bin, 'supergraph', path, '--port', String(port), '--host', '127.0.0.1', '--fork', '0'], {
    cwd: tempDir,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitFor(url, child);
  return { name: 'hive gateway', url, pid: child.pid! };
}
