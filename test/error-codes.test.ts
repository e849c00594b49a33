import { ApolloServerErrorCode } from '@apollo/server/errors';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tableUnder } from './support/markdown.js';
import { README_PATH } from './support/readme.js';

/**
 * The README's table of error codes lists every code a client can meet: each code the product's code
 * gives an error, and nothing that neither it nor Apollo Server gives. The product's codes are read from
 * its sources (tests and simulators left out: a simulator's codes are a provider's, not ours).
 */

const PROJECT = fileURLToPath(new URL('..', import.meta.url));
const PRODUCT_FOLDERS = ['gateway', 'shared', 'subgraphs'];

/** Where a source sets or compares a GraphQL error code. */
const CODE_PATTERNS = [
  /\bcode:\s*['"]([A-Z][A-Z_]+)['"]/g, // extensions: { code: 'X' }
  /\b(?:QueryLimitError|rejectWith|refusing)\(\s*['"]([A-Z][A-Z_]+)['"]/g, // a query limit's code
  /\bextensions\??\.code\s*[!=]==?\s*['"]([A-Z][A-Z_]+)['"]/g, // a code the formatter keeps or replaces
];

function productSources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'simulator' || entry.name === 'node_modules' ? [] : productSources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Each code with the first file that uses it. */
export function codesInSources(sources: ReadonlyArray<{ path: string; text: string }>): Map<string, string> {
  const codes = new Map<string, string>();
  for (const { path, text } of sources) {
    const union = /export type ErrorCode =([^;]+);/.exec(text)?.[1];
    const found = [...(union?.matchAll(/'([A-Z][A-Z_]+)'/g) ?? []), ...CODE_PATTERNS.flatMap((pattern) => [...text.matchAll(pattern)])];
    for (const match of found) if (!codes.has(match[1]!)) codes.set(match[1]!, path);
  }
  return codes;
}

function readmeCodes(): string[] {
  return tableUnder(readFileSync(README_PATH, 'utf8'), 'Error codes').map(([code]) => code!.replace(/`/g, ''));
}

describe('the README’s table of error codes', () => {
  const sources = PRODUCT_FOLDERS.flatMap((folder) => productSources(join(PROJECT, folder))).map((path) => ({
    path: relative(PROJECT, path),
    text: readFileSync(path, 'utf8'),
  }));
  const used = codesInSources(sources);
  const listed = readmeCodes();

  it('finds the codes of the errors module, the gateway plugins and the server formatter', () => {
    for (const code of [
      'BAD_USER_INPUT',
      'FORBIDDEN',
      'UPSTREAM_RATE_LIMITED',
      'QUERY_TOO_DEEP',
      'UNAUTHENTICATED',
      'GRAPHQL_VALIDATION_FAILED',
      'INTERNAL_SERVER_ERROR',
    ]) {
      expect(used.has(code), code).toBe(true);
    }
  });

  it('lists every code the product gives', () => {
    const missing = [...used].filter(([code]) => !listed.includes(code)).map(([code, path]) => `${code} (${path})`);
    expect(missing).toEqual([]);
  });

  it('lists nothing neither the product nor Apollo Server gives, and each code once', () => {
    const apollo = new Set<string>(Object.values(ApolloServerErrorCode));
    expect(listed.filter((code) => !used.has(code) && !apollo.has(code))).toEqual([]);
    expect(new Set(listed).size).toBe(listed.length);
  });
});

describe('codes in sources', () => {
  it('reads set, limit, compared and declared codes, and leaves other capitals alone', () => {
    const codes = codesInSources([
      { path: 'a.ts', text: "throw new GraphQLError('x', { extensions: { code: 'SOME_CODE' } });" },
      { path: 'b.ts', text: "rejectWith('LIMIT_CODE', 'maxThing', 3, 'Do less.'); new QueryLimitError(\n 'OTHER_LIMIT', 'm', 1, 'x');" },
      { path: 'c.ts', text: "if (formatted.extensions?.code === 'KEPT_CODE') return; if (error.code === 'ECONNRESET') retry();" },
      { path: 'd.ts', text: "export type ErrorCode =\n  | 'DECLARED'\n  | 'ALSO_DECLARED';\nconst resolution = 'HALF_HOUR';" },
    ]);
    expect([...codes]).toEqual([
      ['SOME_CODE', 'a.ts'],
      ['LIMIT_CODE', 'b.ts'],
      ['OTHER_LIMIT', 'b.ts'],
      ['KEPT_CODE', 'c.ts'],
      ['DECLARED', 'd.ts'],
      ['ALSO_DECLARED', 'd.ts'],
    ]);
  });
});
