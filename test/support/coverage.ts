import { Kind, parse, type DocumentNode } from 'graphql';

/**
 * The `## Coverage` table of a provider's CONTRACT.md (issue 21): one row per seed or spec item, what the
 * simulator and the connector do with it, the graph fields it surfaces and whether that is documented or
 * inferred. The header is fixed: `| Item | Simulator | Connector | Graph | Basis |`.
 */

export const COVERAGE_COLUMNS = ['Item', 'Simulator', 'Connector', 'Graph', 'Basis'] as const;
export const COVERAGE_BASES = ['documented', 'inferred'] as const;

export interface CoverageRow {
  item: string;
  simulator: string;
  connector: string;
  /** `Type.field` names of the Graph column; empty for `—`. */
  graphFields: string[];
  basis: string;
  /** 1-based line in the document. */
  line: number;
}

export interface CoverageTable {
  rows: CoverageRow[];
  /** What does not follow the format, each with its line. */
  problems: string[];
}

/** The table of the `## Coverage` section, or undefined when the document has no such section. */
export function readCoverageTable(markdown: string): CoverageTable | undefined {
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  const heading = lines.findIndex((line) => /^##\s+Coverage\s*$/.test(line));
  if (heading < 0) return undefined;
  const problems: string[] = [];
  const rows: CoverageRow[] = [];
  let index = heading + 1;
  while (index < lines.length && !lines[index]!.trim().startsWith('|') && !/^#{1,2}\s/.test(lines[index]!)) index++;
  const header = index < lines.length && lines[index]!.trim().startsWith('|') ? cells(lines[index]!) : [];
  if (header.join('|') !== COVERAGE_COLUMNS.join('|')) {
    return { rows, problems: [`line ${index + 1}: the table's header must be | ${COVERAGE_COLUMNS.join(' | ')} |`] };
  }
  if (!/^\|(\s*:?-{3,}:?\s*\|)+\s*$/.test(lines[index + 1]?.trim() ?? ''))
    problems.push(`line ${index + 2}: a separator row must follow the header`);
  for (index += 2; index < lines.length && lines[index]!.trim().startsWith('|'); index++) {
    const line = index + 1;
    const row = cells(lines[index]!);
    if (row.length !== COVERAGE_COLUMNS.length) {
      problems.push(`line ${line}: ${row.length} cells, not ${COVERAGE_COLUMNS.length}`);
      continue;
    }
    const [item, simulator, connector, graph, basis] = row as [string, string, string, string, string];
    if (!item) problems.push(`line ${line}: the Item is empty`);
    if (!(COVERAGE_BASES as readonly string[]).includes(basis))
      problems.push(`line ${line}: Basis must be documented or inferred, not "${basis}"`);
    const graphFields: string[] = [];
    if (graph !== '—') {
      for (const entry of graph.split(',').map((part) => part.trim())) {
        const field = /^`([A-Za-z_]\w*\.[A-Za-z_]\w*)`$/.exec(entry)?.[1];
        if (field) graphFields.push(field);
        else problems.push(`line ${line}: Graph must be \`Type.field\` names separated by commas, or —; "${entry}" is not one`);
      }
    }
    rows.push({ item, simulator, connector, graphFields, basis, line });
  }
  if (rows.length === 0) problems.push(`line ${heading + 1}: the Coverage table has no rows`);
  return { rows, problems };
}

/** The cells of a table row: split on `|` outside code spans and not escaped (`\|`). */
function cells(row: string): string[] {
  const result: string[] = [];
  let cell = '';
  let inCode = false;
  const text = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '\\' && text[index + 1] === '|') {
      cell += '|';
      index++;
    } else if (char === '`') {
      inCode = !inCode;
      cell += char;
    } else if (char === '|' && !inCode) {
      result.push(cell.trim());
      cell = '';
    } else cell += char;
  }
  result.push(cell.trim());
  return result;
}

/** Every `Type.field` a schema document defines: fields of object, interface and input types (and their extensions), enum values. */
export function schemaFields(sdl: string | DocumentNode): Set<string> {
  const document = typeof sdl === 'string' ? parse(sdl) : sdl;
  const names = new Set<string>();
  for (const definition of document.definitions) {
    switch (definition.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_EXTENSION:
      case Kind.INPUT_OBJECT_TYPE_DEFINITION:
        for (const field of definition.fields ?? []) names.add(`${definition.name.value}.${field.name.value}`);
        break;
      case Kind.ENUM_TYPE_DEFINITION:
        for (const value of definition.values ?? []) names.add(`${definition.name.value}.${value.name.value}`);
        break;
      default:
    }
  }
  return names;
}

/** The table's graph fields the schema lacks, each with its line. */
export function missingGraphFields(table: CoverageTable, fields: ReadonlySet<string>): string[] {
  return table.rows.flatMap((row) => row.graphFields.filter((field) => !fields.has(field)).map((field) => `line ${row.line}: ${field}`));
}
