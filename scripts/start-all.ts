import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { ConfigError } from '../shared/subgraph/config.js';
import { stopOnSignals, type RunningServer } from '../shared/subgraph/server.js';
import { startStack } from './stack.js';

/** `npm start`: every simulator, subgraph and the gateway on loopback; prints their URLs; Ctrl-C stops all. */
if (existsSync('.env')) process.loadEnvFile('.env');

const running: RunningServer[] = [];
stopOnSignals(() => running);

const describe = (server: RunningServer, role: string) => {
  running.push(server);
  const where = role === 'simulator' ? server.url : `${server.url}/graphql`;
  console.log(`  ${server.name.padEnd(22)} ${role.padEnd(10)} ${where}`);
};

try {
  const stack = await startStack(process.env, describe);
  console.log(`\nGridgraph is up. Ctrl-C stops everything.`);
  console.log(`  playground (GraphiQL, in a browser)  ${stack.gateway.url}/`);
  console.log(`  GraphQL endpoint                     ${stack.gatewayUrl}`);
  console.log(`  health                               ${stack.gateway.url}/health`);
} catch (error) {
  console.error(
    error instanceof ConfigError ? error.message : `Start-up failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  for (const server of running.reverse()) await server.stop().catch(() => undefined);
  process.exit(1);
}
