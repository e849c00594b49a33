import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeBlocks } from './support/markdown.js';
import { README_PATH } from './support/readme.js';
import { startStack, type TestStack } from './support/stack.js';
import { findTool } from './support/tools.js';

/**
 * The README's examples outside GraphQL run as a reader would run them, against a started stack: each
 * `curl` command with curl, each ```ts block as a program with tsx (in the project, so it imports the
 * project's graphql-request). The README's `http://localhost:4000` becomes the stack's gateway.
 */

const execFileAsync = promisify(execFile);
const PROJECT = fileURLToPath(new URL('..', import.meta.url));
const RUN_DIR = fileURLToPath(new URL('./artifacts/readme-clients/', import.meta.url));
const README_ORIGIN = 'http://localhost:4000';
const CURL = findTool('curl');

const blocks = codeBlocks(readFileSync(README_PATH, 'utf8'));
const curlCommands = blocks.filter((block) => block.language === 'sh' && block.code.startsWith('curl '));
const programs = blocks.filter((block) => block.language === 'ts');
const program = (marker: string) => {
  const found = programs.find((block) => block.code.includes(marker));
  if (!found) throw new Error(`no README ts block contains ${marker}`);
  return found;
};

let stack: TestStack;
let origin: string;
beforeAll(async () => {
  stack = await startStack();
  origin = new URL(stack.gateway.url).origin;
  await mkdir(RUN_DIR, { recursive: true });
});
afterAll(async () => {
  await rm(RUN_DIR, { recursive: true, force: true });
  await stack?.stop();
});

/** Runs a README program with tsx against the stack; its exit code must be 0. */
async function runProgram(code: string, name: string): Promise<{ stdout: string; stderr: string }> {
  const file = join(RUN_DIR, `${name}.ts`);
  await writeFile(file, code.replaceAll(README_ORIGIN, origin));
  return execFileAsync(process.execPath, ['--import', 'tsx', file], { cwd: PROJECT });
}

describe('the README’s client examples', () => {
  it('has a curl command and the two programs', () => {
    expect(curlCommands.length).toBeGreaterThanOrEqual(1);
    expect(programs.length).toBeGreaterThanOrEqual(2);
  });

  it.skipIf(!CURL)('each curl command answers data without errors', async () => {
    for (const { code, line } of curlCommands) {
      const { stdout } = await execFileAsync('bash', ['-c', code.replaceAll('curl ', `${CURL} `).replaceAll(README_ORIGIN, origin)]);
      const answer = JSON.parse(stdout) as { data?: Record<string, unknown>; errors?: unknown };
      expect(answer.errors, `README.md:${line}`).toBeUndefined();
      expect(answer.data, `README.md:${line}`).toMatchObject({ meteringPoint: { id: '9999999999999' } });
      expect((answer.data!.meteringPoint as { openvoltMeters: unknown[] }).openvoltMeters.length).toBe(2);
    }
  });

  it('the graphql-request program prints each day of the week and the total, and no error', async () => {
    const { code } = program('MeterWeek');
    const { stdout, stderr } = await runProgram(code, 'meter-week');
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines.slice(0, 7).every((line) => /^2026-11-\d\dT\S+ [\d.]+ MEASURED$/.test(line))).toBe(true);
    const { data } = await stack.query<{ openvoltMeter: { consumption: { total: number } } }>(
      `{ openvoltMeter(id: "6514167223e3d1424bf82742") { consumption(range: { from: "2026-11-09T00:00:00Z", to: "2026-11-16T00:00:00Z", resolution: DAY, timeZone: "Europe/London" }) { total } } }`,
    );
    expect(lines[7]).toBe(`total ${data.openvoltMeter.consumption.total} KWH`);
  });

  it('the pagination loop collects every meter, page after page', async () => {
    const { code } = program('endCursor');
    const { stdout, stderr } = await runProgram(code, 'pagination');
    expect(stderr).toBe('');
    const { data } = await stack.query<{ openvoltMeters: { nodes: unknown[]; pageInfo: { hasNextPage: boolean } } }>(
      '{ openvoltMeters(first: 100) { nodes { id } pageInfo { hasNextPage } } }',
    );
    expect(data.openvoltMeters.pageInfo.hasNextPage).toBe(false);
    expect(data.openvoltMeters.nodes.length).toBeGreaterThan(2); // more than one page of two
    expect(stdout.trim()).toBe(`${data.openvoltMeters.nodes.length} meters`);
  });
});
