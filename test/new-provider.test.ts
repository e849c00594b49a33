import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { check, resolveConfig } from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED } from '../scripts/generate.js';
import { addToRegistry, labelProblem, nameProblem, nextPorts, renderTemplate } from '../scripts/new-provider.js';
import { ephemeralPorts } from '../scripts/stack.js';
import { ROOT } from './support/process.js';
import { gatewayClient } from './support/stack.js';

/**
 * Adding a provider is one command (DESIGN.md, "Layout"): `npm run new-provider` in a copy of the
 * project (its files as git sees them, node_modules linked) writes a provider that type-checks, is
 * formatted, and that `npm start` serves through the gateway — its meters and its MeteringPoint field —
 * and it changes nothing but its folder, the registry and what is generated from the registry.
 */

const run = promisify(execFile);
const NAME = 'gridly';
/** The scaffold's seeded meter and its metering point (scripts/templates/provider/simulator/seed.ts). */
const SEED = { id: 'meter-1', meteringPointId: '871687120000990011' };

const copy = mkdtempSync(join(tmpdir(), 'gridgraph-new-provider-'));
const tsx = (script: string, args: string[] = []) => run(process.execPath, ['--import', 'tsx', script, ...args], { cwd: copy });
const git = (...args: string[]) =>
  run('git', ['-c', 'user.name=scaffold', '-c', 'user.email=scaffold@example.com', ...args], { cwd: copy });

let changed: string[] = [];
let typecheck: Promise<unknown>;
let stack: ChildProcess | undefined;
let gatewayUrl: Promise<string>;

/** The project's files as `git status` sees them (tracked, and new ones not ignored), into `target`. */
async function copyProject(target: string): Promise<void> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, maxBuffer: 16 << 20 });
  for (const file of stdout.split('\0').filter((path) => path && existsSync(join(ROOT, path)))) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(ROOT, file), join(target, file));
  }
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(target, 'node_modules'));
}

/** `npm start` in the copy, every server on a free port; resolves with the gateway's GraphQL URL. */
function startAll(): Promise<string> {
  const ports: Record<string, string> = {
    ...ephemeralPorts(),
    [`${NAME.toUpperCase()}_SUBGRAPH_PORT`]: '0',
    [`${NAME.toUpperCase()}_SIMULATOR_PORT`]: '0',
  };
  stack = spawn(process.execPath, ['--import', 'tsx', 'scripts/start-all.ts'], {
    cwd: copy,
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', LOG_LEVEL: 'error', ...ports },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /GraphQL endpoint\s+(http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    };
    stack!.stdout!.on('data', read);
    stack!.stderr!.on('data', read);
    stack!.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
  });
}

beforeAll(async () => {
  await copyProject(copy);
  await git('init', '-q');
  await git('add', '-A');
  await git('commit', '-q', '--no-gpg-sign', '-m', 'before new-provider');
  await tsx('scripts/new-provider.ts', [NAME]);
  const { stdout } = await git('status', '--porcelain', '--untracked-files=all');
  changed = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(3));
  // The new provider's code against the kit's types, while npm start runs. Its tests are left out: they
  // bring in the gateway's and the test support's types, which doubles the time (the whole project: 6×).
  const tsconfig = { extends: './tsconfig.json', include: [`subgraphs/${NAME}`], exclude: ['**/*.test.ts'] };
  writeFileSync(join(copy, 'tsconfig.new-provider.json'), JSON.stringify(tsconfig));
  typecheck = run(process.execPath, [join(copy, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.new-provider.json'], {
    cwd: copy,
  });
  typecheck.catch(() => undefined); // awaited by its test
  gatewayUrl = startAll();
  gatewayUrl.catch(() => undefined);
}, 240_000);

afterAll(async () => {
  if (stack && stack.exitCode === null && stack.signalCode === null) {
    stack.kill('SIGTERM');
    await once(stack, 'exit');
  }
  await typecheck?.catch(() => undefined);
  rmSync(copy, { recursive: true, force: true });
});

describe('npm run new-provider', () => {
  it('writes its folder, its registry entry, the generated files and supergraph.graphql, and nothing else', () => {
    const allowed = (path: string) =>
      path.startsWith(`subgraphs/${NAME}/`) ||
      ['subgraphs/registry.ts', 'supergraph.graphql', 'README.md', ...Object.values(GENERATED)].includes(path) ||
      path.startsWith('docs/');
    expect(changed.filter((path) => !allowed(path))).toEqual([]);
    for (const path of [
      `subgraphs/${NAME}/provider.ts`,
      `subgraphs/${NAME}/simulator/index.ts`,
      'subgraphs/registry.ts',
      GENERATED.providerNames,
      'supergraph.graphql',
    ]) {
      expect(changed).toContain(path);
    }
    expect(readFileSync(join(copy, GENERATED.providerNames), 'utf8')).toContain(`${NAME.toUpperCase()}: 'Gridly'`);
  });

  it('formats what it writes as prettier does', async () => {
    for (const path of changed.filter((file) => /\.(ts|yml)$/.test(file))) {
      const filepath = join(copy, path);
      expect(await check(readFileSync(filepath, 'utf8'), { ...(await resolveConfig(filepath)), filepath }), path).toBe(true);
    }
  });

  it('writes a provider that type-checks', async () => {
    await expect(typecheck).resolves.toBeDefined();
  }, 120_000);

  it('is served by npm start: its meters and its MeteringPoint field, through the gateway', async () => {
    const { query } = gatewayClient(await gatewayUrl);
    const meters = await query(`{ gridlyMeters { totalCount nodes { id provider meterPointId } } }`);
    expect(meters.errors).toEqual([]);
    expect(meters.data.gridlyMeters).toEqual({
      totalCount: 1,
      nodes: [{ id: SEED.id, provider: 'GRIDLY', meterPointId: SEED.meteringPointId }],
    });
    const joined = await query(`query ($id: ID!) { meteringPoint(id: $id) { gridlyMeters { id } openvoltMeters { id } } }`, {
      id: SEED.meteringPointId,
    });
    expect(joined.errors).toEqual([]);
    expect(joined.data.meteringPoint).toEqual({ gridlyMeters: [{ id: SEED.id }], openvoltMeters: [] });
  }, 120_000);

  it('refuses a bad name with a clear message and exit code 1, before writing anything', async () => {
    const registry = readFileSync(join(copy, 'subgraphs/registry.ts'), 'utf8');
    const refused = await tsx('scripts/new-provider.ts', ['Grid-ly']).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toMatch(/"Grid-ly" cannot name a provider: use lower-case letters only/);
    expect(existsSync(join(copy, 'subgraphs/Grid-ly'))).toBe(false);
    expect(readFileSync(join(copy, 'subgraphs/registry.ts'), 'utf8')).toBe(registry);
  });
});

describe('the scaffold’s parts', () => {
  it('a name is lower-case letters, not a provider’s and not reserved', () => {
    expect(nameProblem('gridly', ['openvolt'])).toBeUndefined();
    for (const name of [undefined, '', 'Gridly', 'grid_ly', 'grid2', 'gridly ']) expect(nameProblem(name, []), String(name)).toBeDefined();
    expect(nameProblem('openvolt', ['openvolt'])).toMatch(/"openvolt" is already a provider \(subgraphs\/openvolt\/\)/);
    expect(nameProblem('gateway', [])).toMatch(/reserved/);
    expect(nameProblem('all', [])).toMatch(/reserved/);
  });

  it('a label is what the templates can write into strings: letters, digits, spaces and . & -', () => {
    for (const label of ['GridLy', 'Grid Ly B.V.', 'Énergie & Co', 'E-2']) expect(labelProblem(label), label).toBeUndefined();
    for (const label of ["Grid'ly", 'Grid"ly', 'Grid`ly', 'Grid\\ly', '', ' Gridly']) expect(labelProblem(label), label).toBeDefined();
  });

  it('fills every placeholder, and refuses a template with an unknown one', () => {
    const scaffold = { name: 'gridly', label: 'GridLy', ports: { subgraph: 4006, simulator: 4106 } };
    expect(renderTemplate('__name__ __Name__Meter __NAME___API_KEY __Label__ __SUBGRAPH_PORT__/__SIMULATOR_PORT__', scaffold)).toBe(
      'gridly GridlyMeter GRIDLY_API_KEY GridLy 4006/4106',
    );
    expect(() => renderTemplate('__Nmae__Meter', scaffold)).toThrow(/unknown placeholder __Nmae__/);
  });

  it('adds the registry entry in import order, last in PROVIDERS, and takes the next ports', () => {
    const registry = [
      "import type { AnyProvider } from '../shared/subgraph/provider.js';",
      "import { alpha } from './alpha/provider.js';",
      "import { zeta } from './zeta/provider.js';",
      '',
      'export const PROVIDERS: readonly AnyProvider[] = [zeta, alpha];',
    ].join('\n');
    expect(addToRegistry(registry, 'gridly').split('\n').slice(1)).toEqual([
      "import { alpha } from './alpha/provider.js';",
      "import { gridly } from './gridly/provider.js';",
      "import { zeta } from './zeta/provider.js';",
      '',
      'export const PROVIDERS: readonly AnyProvider[] = [zeta, alpha, gridly];',
    ]);
    expect(() => addToRegistry('export const OTHERS = [];', 'gridly')).toThrow(/registry\.ts/);
    expect(
      nextPorts([
        { subgraph: 4001, simulator: 4101 },
        { subgraph: 4005, simulator: 4103 },
      ]),
    ).toEqual({ subgraph: 4006, simulator: 4104 });
  });
});
