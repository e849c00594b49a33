import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH } from '../gateway/index.js';
import { PROVIDERS } from '../subgraphs/registry.js';
import { missingGraphFields, readCoverageTable, schemaFields } from './support/coverage.js';
import { ROOT } from './support/process.js';

/**
 * Every provider's CONTRACT.md has a `## Coverage` table (issue 21): seed or spec item → simulator →
 * connector → graph fields, each row documented or inferred. A graph field named there that the
 * supergraph no longer has fails here, so the table cannot silently go stale.
 */

const supergraphFields = schemaFields(readFileSync(SUPERGRAPH_PATH, 'utf8'));

describe('reading a Coverage table', () => {
  const TABLE = [
    '# X contract',
    '',
    '## Coverage',
    'Intro text.',
    '',
    '| Item | Simulator | Connector | Graph | Basis |',
    '|---|---|---|---|---|',
    '| `GET /file?type=csv|json` | serves it | `history()` | `IntellimeterPoint.consumption`, `Query.intellimeterPoints` | documented |',
    '| cookie session | sets it | keeps a jar | — | inferred |',
    '',
    '## Next',
    '| Item | Simulator | Connector | Graph | Basis |',
  ].join('\n');

  it('reads each row, a pipe inside a code span staying in its cell, up to the end of the table', () => {
    const table = readCoverageTable(TABLE)!;
    expect(table.problems).toEqual([]);
    expect(table.rows).toEqual([
      {
        item: '`GET /file?type=csv|json`',
        simulator: 'serves it',
        connector: '`history()`',
        graphFields: ['IntellimeterPoint.consumption', 'Query.intellimeterPoints'],
        basis: 'documented',
        line: 8,
      },
      { item: 'cookie session', simulator: 'sets it', connector: 'keeps a jar', graphFields: [], basis: 'inferred', line: 9 },
    ]);
  });

  it('finds a named field the schema lacks, and none when all are there', () => {
    const table = readCoverageTable(TABLE)!;
    const schema = schemaFields('type Query { intellimeterPoints: [String] } type IntellimeterPoint { id: ID }');
    expect(missingGraphFields(table, schema)).toEqual(['line 8: IntellimeterPoint.consumption']);
    expect(
      missingGraphFields(table, schemaFields('type Query { intellimeterPoints: Int } extend type IntellimeterPoint { consumption: Int }')),
    ).toEqual([]);
  });

  it('reports what breaks the format: no section, another header, a bad Graph cell or Basis, a short row', () => {
    expect(readCoverageTable('# X\n## Coverage gaps\n')).toBeUndefined();
    expect(readCoverageTable('## Coverage\n| Item | Graph |\n|---|---|\n')!.problems).toEqual([
      "line 2: the table's header must be | Item | Simulator | Connector | Graph | Basis |",
    ]);
    const bad = readCoverageTable(
      [
        '## Coverage',
        '| Item | Simulator | Connector | Graph | Basis |',
        '|---|---|---|---|---|',
        '| a | b | c | IntellimeterPoint.name | documented |',
        '| a | b | c | `Query.x` | guessed |',
        '| a | b | c |',
      ].join('\n'),
    )!;
    expect(bad.problems).toEqual([
      'line 4: Graph must be `Type.field` names separated by commas, or —; "IntellimeterPoint.name" is not one',
      'line 5: Basis must be documented or inferred, not "guessed"',
      'line 6: 3 cells, not 5',
    ]);
  });
});

describe.each(PROVIDERS.map((provider) => provider.name))('%s/CONTRACT.md', (name) => {
  const path = join(ROOT, 'subgraphs', name, 'CONTRACT.md');
  const table = existsSync(path) ? readCoverageTable(readFileSync(path, 'utf8')) : undefined;

  it('has a Coverage table in the agreed format', () => {
    expect(table, `subgraphs/${name}/CONTRACT.md has no "## Coverage" section`).toBeDefined();
    expect(table!.problems).toEqual([]);
  });

  it('names only graph fields the supergraph has', () => {
    expect(missingGraphFields(table ?? { rows: [], problems: [] }, supergraphFields)).toEqual([]);
  });
});
