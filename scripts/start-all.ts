import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { ConfigError } from '../shared/subgraph/config.js';
import { startTracing } from '../shared/observability/tracing.js';
import { stopOnSignals, type RunningServer } from '../shared/subgraph/server.js';
import { startStack } from './stack.js';

/** `npm start`: every simulator, subgraph and the gateway on loopback; prints their URLs; Ctrl-C stops all. */
if (existsSync('.env')) process.loadEnvFile('.env');

const running: RunningServer[] = [];
// One process, so one service in traces; each span says which server made it (gridgraph.server).
const tracing = await startTracing('gridgraph', process.env);
stopOnSignals(
  () => running,
  async () => tracing?.stop(),
);

const describe = (server: RunningServer, role: string) => {
  running.push(server);
  const where = role === 'subgraph' || role === 'gateway' ? `${server.url}/graphql` : server.url;
  console.log(`  ${server.name.padEnd(22)} ${role.padEnd(10)} ${where}`);
};

try {
  const stack = await startStack(process.env, describe);
  console.log(`\nGridgraph is up. Ctrl-C stops everything.`);
  console.log(`  playground (GraphiQL, in a browser)  ${stack.gateway.url}/`);
  console.log(`  GraphQL endpoint                     ${stack.gatewayUrl}`);
  console.log(`  health                               ${stack.gateway.url}/health/ready`);
  console.log(`  metrics (Prometheus)                 ${stack.gateway.url}/metrics`);
  if (tracing) console.log(`  traces                               sent over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT)`);
} catch (error) {
  console.error(
    error instanceof ConfigError ? error.message : `Start-up failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  for (const server of running.reverse()) await server.stop().catch(() => undefined);
  process.exit(1);
}
