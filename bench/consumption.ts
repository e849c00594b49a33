import 'reflect-metadata';
import { GraphQLClient, gql } from 'graphql-request';
import { performance } from 'node:perf_hooks';
import { startThrowawayStack } from '../scripts/stack.js';
import { SUBGRAPH_SECRET_HEADER } from '../shared/subgraph/gateway-secret.js';

/**
 * `npm run bench`: fifty Openvolt meters × seven days of half-hourly consumption, asked through the
 * gateway and straight to the Openvolt subgraph in the same run, against the simulator. Prints median
 * and p95 latency of each, their ratio (the gateway's overhead; the direct subgraph is the baseline)
 * and the upstream calls per query. Rounds alternate so both see the same machine load.
 *
 * BENCH_ROUNDS (default 30) and BENCH_WARMUP (default 5) set the number of measured and discarded rounds.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);

const QUERY = gql`
  query FiftyMetersOneWeek($range: ReadingRange!) {
    openvoltMeters(first: 50) {
      nodes {
        id
        consumption(range: $range) {
          total
          count
          readings {
            start
            value
            quality
          }
        }
      }
    }
  }
`;
const RANGE = { from: '2026-11-02T00:00:00Z', to: '2026-11-09T00:00:00Z', resolution: 'HALF_HOUR', timeZone: 'UTC' };

interface Result {
  openvoltMeters: { nodes: Array<{ consumption: { count: number } }> };
}

const stack = await startThrowawayStack({ LOG_LEVEL: 'error' });
const simulator = stack.simulator('openvolt');
const targets = {
  gateway: new GraphQLClient(stack.gatewayUrl),
  subgraph: new GraphQLClient(`${stack.subgraphs.openvolt!.subgraph.url}/graphql`, {
    headers: { [SUBGRAPH_SECRET_HEADER]: stack.subgraphSecret },
  }),
};
const timings: Record<keyof typeof targets, number[]> = { gateway: [], subgraph: [] };
const upstreamCalls: Record<keyof typeof targets, number[]> = { gateway: [], subgraph: [] };

try {
  for (let round = 0; round < WARMUP + ROUNDS; round += 1) {
    for (const name of round % 2 === 0 ? (['gateway', 'subgraph'] as const) : (['subgraph', 'gateway'] as const)) {
      simulator.reset();
      const started = performance.now();
      const result = await targets[name].request<Result>(QUERY, { range: RANGE });
      const elapsed = performance.now() - started;
      const readings = result.openvoltMeters.nodes.reduce((sum, node) => sum + node.consumption.count, 0);
      if (result.openvoltMeters.nodes.length !== 50 || readings !== 50 * 336) {
        throw new Error(`unexpected answer: ${result.openvoltMeters.nodes.length} meters, ${readings} readings`);
      }
      if (round < WARMUP) continue;
      timings[name].push(elapsed);
      upstreamCalls[name].push(simulator.stats().total);
    }
  }

  const gateway = summary(timings.gateway);
  const subgraph = summary(timings.subgraph);
  console.log(
    `50 meters × 7 days × 48 half hours (${(50 * 336).toLocaleString('en')} readings per query), ${ROUNDS} rounds after ${WARMUP} warm-up`,
  );
  console.log(`${'target'.padEnd(10)} ${'median ms'.padStart(10)} ${'p95 ms'.padStart(10)} ${'upstream calls/query'.padStart(22)}`);
  console.log(row('subgraph', subgraph, upstreamCalls.subgraph));
  console.log(row('gateway', gateway, upstreamCalls.gateway));
  console.log(
    `gateway / subgraph: median ×${(gateway.median / subgraph.median).toFixed(2)}, p95 ×${(gateway.p95 / subgraph.p95).toFixed(2)}`,
  );
} finally {
  await stack.stop();
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { median: at(0.5), p95: at(0.95) };
}

function row(name: string, stats: { median: number; p95: number }, calls: number[]) {
  const perQuery = calls.reduce((sum, value) => sum + value, 0) / calls.length;
  return `${name.padEnd(10)} ${stats.median.toFixed(1).padStart(10)} ${stats.p95.toFixed(1).padStart(10)} ${perQuery.toFixed(1).padStart(22)}`;
}
