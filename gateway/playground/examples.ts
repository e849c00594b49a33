import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The playground's example operations: one `.graphql` file each in gateway/playground/examples/, opened
 * as one tab each. The format, read by the gateway and by the test that runs every example:
 *
 *   line 1   `# <title shown as the tab's name>`
 *   line 2   optional `# variables: <one-line JSON object>`
 *   then     exactly one named operation (fragments may follow it)
 */
export const EXAMPLES_DIR = fileURLToPath(new URL('./examples/', import.meta.url));

export interface Example {
  /** File name, e.g. `openvolt-week-by-day.graphql`. */
  file: string;
  title: string;
  /** The operation text, without the header lines. */
  query: string;
  operationName: string;
  /** Null when the file has no `# variables:` line. */
  variables: Record<string, unknown> | null;
}

export class ExampleFormatError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem} (see gateway/playground/examples.ts for the format)`);
    this.name = 'ExampleFormatError';
  }
}

export function parseExample(source: string, file: string): Example {
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  const title = /^#\s*(.*\S)\s*$/.exec(lines[0] ?? '')?.[1];
  if (!title) throw new ExampleFormatError(file, 'line 1 must be "# <title>"');
  let bodyStart = 1;
  let variables: Record<string, unknown> | null = null;
  const variablesLine = /^#\s*variables:\s*(.*)$/i.exec(lines[1] ?? '');
  if (variablesLine) {
    bodyStart = 2;
    try {
      variables = JSON.parse(variablesLine[1]!) as Record<string, unknown>;
    } catch (error) {
      throw new ExampleFormatError(file, `line 2 is not valid JSON: ${(error as Error).message}`);
    }
    if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) {
      throw new ExampleFormatError(file, 'line 2 must hold a JSON object');
    }
  }
  const query = lines.slice(bodyStart).join('\n').trim();
  let operations: OperationDefinitionNode[];
  try {
    operations = parse(query).definitions.filter((node): node is OperationDefinitionNode => node.kind === Kind.OPERATION_DEFINITION);
  } catch (error) {
    throw new ExampleFormatError(file, `not a GraphQL document: ${(error as Error).message}`);
  }
  if (operations.length !== 1) throw new ExampleFormatError(file, `holds ${operations.length} operations; exactly one is allowed`);
  const operationName = operations[0]!.name?.value;
  if (!operationName) throw new ExampleFormatError(file, 'its operation must be named');
  return { file, title, query: `${query}\n`, operationName, variables };
}

/** Every example of a folder, in file-name order; a malformed file throws. */
export function loadExamples(dir = EXAMPLES_DIR): Example[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => parseExample(readFileSync(join(dir, name), 'utf8'), basename(name)));
}
