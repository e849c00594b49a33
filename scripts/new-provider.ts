import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';

/**
 * `npm run new-provider -- <name> [--label <Label>]`: a working provider in subgraphs/<name>/, in the
 * layout of DESIGN.md, from scripts/templates/provider/ — descriptor, contract, connector, readings
 * contract, schema, resolvers, loaders, a simulator with one meter and its readings, CONTRACT.md and
 * tests — and its entry in subgraphs/registry.ts; then `npm run generate` and `npm run compose`.
 * docs/adding-a-provider.md walks through what to fill in.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEMPLATES = join(ROOT, 'scripts/templates/provider');
const REGISTRY = join(ROOT, 'subgraphs/registry.ts');

/** Names a provider may not take: the image's other roles, and the composite subgraph DESIGN.md plans. */
const RESERVED = ['gateway', 'all', 'metering'];

/** Why `name` cannot be a new provider, or undefined when it can. `existing`: the folders in subgraphs/. */
export function nameProblem(name: string | undefined, existing: readonly string[]): string | undefined {
  if (!name) return 'Name the provider: npm run new-provider -- <name> [--label <Label>]';
  if (!/^[a-z]+$/.test(name)) {
    return `"${name}" cannot name a provider: use lower-case letters only (a–z), e.g. gridly. It names the folder, the subgraph, the GraphQL types (Gridly…) and the settings (GRIDLY_…).`;
  }
  if (existing.includes(name)) return `"${name}" is already a provider (subgraphs/${name}/): choose another name.`;
  if (RESERVED.includes(name)) return `"${name}" is reserved (${RESERVED.join(', ')}): choose another name.`;
  return undefined;
}

/** Why `label` cannot be written into the templates' strings and descriptions, or undefined. */
export function labelProblem(label: string): string | undefined {
  return /^[\p{L}\p{N}][\p{L}\p{N} .&-]*$/u.test(label)
    ? undefined
    : `--label "${label}": use letters, digits, spaces and . & - (it is written into strings and descriptions).`;
}

export interface Scaffold {
  name: string;
  label: string;
  ports: { subgraph: number; simulator: number };
}

/** The template's placeholders: `__name__` gridly, `__Name__` Gridly, `__NAME__` GRIDLY, `__Label__`, the two ports. */
export function renderTemplate(template: string, { name, label, ports }: Scaffold): string {
  const values: Record<string, string> = {
    name,
    Name: name[0]!.toUpperCase() + name.slice(1),
    NAME: name.toUpperCase(),
    Label: label,
    SUBGRAPH_PORT: String(ports.subgraph),
    SIMULATOR_PORT: String(ports.simulator),
  };
  const rendered = template.replace(/__(name|Name|NAME|Label|SUBGRAPH_PORT|SIMULATOR_PORT)__/g, (_match, key: string) => values[key]!);
  const left = /__[A-Za-z_]+?__/.exec(rendered);
  if (left) throw new Error(`unknown placeholder ${left[0]} in a template`);
  return rendered;
}

/** subgraphs/registry.ts with `name` imported and last in PROVIDERS (which is ordered by port: the new one's is the highest). */
export function addToRegistry(source: string, name: string): string {
  const list = /(export const PROVIDERS: readonly AnyProvider\[\] = \[)([^\]]*)(\];)/;
  const providerImport = /^import \{ (\w+) \} from '\.\/\w+\/provider\.js';$/;
  const lines = source.split('\n');
  const imports = lines.flatMap((line, index) => (providerImport.test(line) ? [index] : []));
  if (!list.test(source) || imports.length === 0)
    throw new Error('subgraphs/registry.ts: PROVIDERS or its imports are not where the scaffold expects them');
  const before = imports.find((index) => providerImport.exec(lines[index]!)![1]! > name) ?? imports.at(-1)! + 1;
  lines.splice(before, 0, `import { ${name} } from './${name}/provider.js';`);
  return lines
    .join('\n')
    .replace(list, (_match, start: string, entries: string, end: string) => `${start}${entries.trim()}, ${name}${end}`);
}

/** The ports after every provider's: the new subgraph's and its simulator's (DESIGN.md, "Conventions"). */
export function nextPorts(taken: ReadonlyArray<{ subgraph: number; simulator: number }>): { subgraph: number; simulator: number } {
  return {
    subgraph: Math.max(...taken.map((ports) => ports.subgraph)) + 1,
    simulator: Math.max(...taken.map((ports) => ports.simulator)) + 1,
  };
}

async function templateFiles(folder = TEMPLATES): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? templateFiles(join(folder, entry.name)) : [join(folder, entry.name)])),
  );
  return nested.flat();
}

/** Written as `npm run format` would leave it (prettier skips what it does not format, such as Markdown here). */
async function writeFormatted(path: string, content: string): Promise<void> {
  const options = { ...(await resolveConfig(path)), filepath: path };
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, path.endsWith('.ts') ? await format(content, options) : content);
}

/** Runs one of the project's scripts in a process of its own: each must load the registry as it now is. */
function runScript(script: string): void {
  const { status } = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: 'inherit' });
  if (status !== 0) throw new Error(`${script} failed (exit code ${status})`);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { label: { type: 'string' } } });
  const name = positionals[0];
  const existing = (await readdir(join(ROOT, 'subgraphs'), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  const label = values.label?.trim() || (name ? name[0]!.toUpperCase() + name.slice(1) : '');
  const problem =
    nameProblem(name, existing) ??
    (positionals.length > 1 ? 'Give one name (and --label for how it is written).' : undefined) ??
    labelProblem(label);
  if (problem || !name) {
    console.error(problem);
    process.exit(1);
  }
  // Only now the registry, which loads every provider: a refused name is refused at once.
  const { PROVIDERS } = await import('../subgraphs/registry.js');
  const scaffold: Scaffold = { name, label, ports: nextPorts(PROVIDERS.map((provider) => provider.ports)) };

  const folder = join(ROOT, 'subgraphs', name);
  for (const template of await templateFiles()) {
    const target = join(folder, relative(TEMPLATES, template));
    if (existsSync(target)) throw new Error(`${relative(ROOT, target)} exists already`);
    await writeFormatted(target, renderTemplate(await readFile(template, 'utf8'), scaffold));
  }
  await writeFormatted(REGISTRY, addToRegistry(await readFile(REGISTRY, 'utf8'), name));
  console.log(
    `wrote subgraphs/${name}/ and its entry in subgraphs/registry.ts (subgraph port ${scaffold.ports.subgraph}, simulator ${scaffold.ports.simulator})`,
  );

  runScript('scripts/generate.ts');
  runScript('scripts/compose.ts');
  console.log(
    `\n${scaffold.label} is a provider. Next: npx vitest run subgraphs/${name}, then fill in the real API ` +
      `(docs/adding-a-provider.md); npm start serves it at ${name}Meters.`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
