import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { GATEWAY_SETTINGS } from '../gateway/config.js';
import { LOG_SETTINGS } from '../shared/observability/logger.js';
import { TRACING_SETTINGS } from '../shared/observability/tracing.js';
import { simulatorFaultSettings } from '../shared/simulator/faults.js';
import { compositeServerSettings } from '../shared/subgraph/composite.js';
import { providerServerSettings, SERVER_SETTINGS } from '../shared/subgraph/module.js';
import { WEBHOOK_SETTINGS } from '../shared/subgraph/webhook-inbox.js';
import { COMPOSITES, PROVIDERS } from '../subgraphs/registry.js';
import { renderDockerCompose } from './generators/docker-compose.js';
import { renderDockerfile } from './generators/dockerfile.js';
import { renderEnvExample } from './generators/env-example.js';
import { renderMeteringSources } from './generators/metering-sources.js';
import { renderProviderNames } from './generators/provider-names.js';
import { providerFacts, type ProviderFacts } from './generators/providers.js';

/**
 * `npm run generate`: every file that names the providers, written from subgraphs/registry.ts (and the
 * settings the code declares). test/generated.test.ts fails when a committed one differs from what this
 * writes. Run it after changing the registry, a descriptor's name, label, ports or settings, or a setting.
 */

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every generated file, relative to the project root. */
export const GENERATED = {
  providerNames: 'shared/graph/provider-names.ts',
  dockerfile: 'Dockerfile',
  dockerCompose: 'docker-compose.yml',
  envExample: '.env.example',
  meteringSources: 'subgraphs/metering/sources.ts',
} as const;

export interface GeneratedFile {
  /** Relative to the project root. */
  path: string;
  content: string;
}

export async function generatedFiles(): Promise<GeneratedFile[]> {
  const providers = await providerFacts(PROVIDERS);
  const gatewayPort = GATEWAY_SETTINGS.GATEWAY_PORT.default!;
  const composites = COMPOSITES.map(({ name, ports }) => ({ name, port: ports.subgraph }));
  const common = {
    servers: { ...SERVER_SETTINGS, ...LOG_SETTINGS, ...TRACING_SETTINGS, ...WEBHOOK_SETTINGS },
    gateway: GATEWAY_SETTINGS,
    provider: ({ prefix, ports }: ProviderFacts) => providerServerSettings(prefix, ports),
    simulatorFaults: ({ prefix }: { prefix: string }) => simulatorFaultSettings(prefix),
    composites: COMPOSITES.map(({ name, label, ports, settings }) => ({
      name,
      label,
      port: ports.subgraph,
      settings: { ...compositeServerSettings(name.toUpperCase(), ports.subgraph), ...settings },
    })),
  };
  return [
    await formatted(GENERATED.providerNames, renderProviderNames(providers)),
    {
      path: GENERATED.dockerfile,
      content: renderDockerfile(await readFile(join(ROOT, GENERATED.dockerfile), 'utf8'), providers, composites, gatewayPort),
    },
    await formatted(GENERATED.dockerCompose, renderDockerCompose(providers, composites, gatewayPort)),
    { path: GENERATED.envExample, content: renderEnvExample(providers, common) },
    await formatted(GENERATED.meteringSources, renderMeteringSources(providers)),
  ];
}

/** As `npm run format` would leave it, so that a generated file passes `prettier --check`. */
async function formatted(path: string, content: string): Promise<GeneratedFile> {
  const filepath = join(ROOT, path);
  return { path, content: await format(content, { ...(await resolveConfig(filepath)), filepath }) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const { path, content } of await generatedFiles()) {
    const current = await readFile(join(ROOT, path), 'utf8').catch(() => undefined);
    if (current === content) continue;
    await writeFile(join(ROOT, path), content);
    console.log(`wrote ${path}`);
  }
}
