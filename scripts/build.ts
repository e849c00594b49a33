import { spawn } from 'node:child_process';
import { cp, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * `npm run build`: the product compiled to JavaScript (tsconfig.build.json) in dist/, with the files the
 * modules read at run time copied to the same places relative to them. So `node dist/gateway/index.js`
 * finds supergraph.graphql, the playground's page script and its examples exactly where
 * `tsx gateway/index.ts` finds them in the sources, and no module needs to know which of the two runs.
 *
 *   --out-dir <dir>   instead of dist/ (which is emptied first): a folder that is absent or empty
 *   --no-check        skip tsc's type check: the same JavaScript, sooner (npm run typecheck checks types)
 */
const RUNTIME_FILES = ['supergraph.graphql', 'gateway/playground/page.js', 'gateway/playground/series.js', 'gateway/playground/examples'];

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const { values } = parseArgs({
  options: { 'out-dir': { type: 'string', default: 'dist' }, 'no-check': { type: 'boolean', default: false } },
});
const outDir = resolve(values['out-dir']);
// Only dist/ is ever deleted: any other folder must hold nothing a build could overwrite or leave stale.
if (outDir === join(ROOT, 'dist')) await rm(outDir, { recursive: true, force: true });
else if ((await readdir(outDir).catch(() => [])).length > 0) throw new Error(`--out-dir ${outDir} is not empty`);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const args = ['-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir, ...(values['no-check'] ? ['--noCheck'] : [])];
const exitCode = await new Promise<number | null>((done, fail) =>
  spawn(process.execPath, [tsc, ...args], { stdio: 'inherit' })
    .once('error', fail)
    .once('close', done),
);
if (exitCode !== 0) {
  console.error(`tsc failed (exit code ${exitCode})`);
  process.exit(1);
}
for (const file of RUNTIME_FILES) await cp(join(ROOT, file), join(outDir, file), { recursive: true });
console.log(`Built ${outDir}`);
