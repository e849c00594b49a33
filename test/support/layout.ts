import { readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

/**
 * The project's import directions (DESIGN.md, "Layout"), read from the source with TypeScript's own
 * parser: which file imports which, and the rules those imports break.
 */

export interface ImportEdge {
  /** The importing file, relative to the project root: `gateway/index.ts`. */
  from: string;
  /** The imported file, resolved against the importer (`gateway/config.js`); a package's name as written. */
  to: string;
  /** `import type` / `export type`: erased at build, so nothing is loaded at run time. */
  typeOnly: boolean;
}

/** Every import of one file: static imports, re-exports and dynamic `import()` with a literal path. */
export function importsOf(file: string, source: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    const to = specifier.startsWith('.') ? posix.normalize(posix.join(posix.dirname(file), specifier)) : specifier;
    edges.push({ from: file, to, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, isTypeOnlyImport(node.importClause));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node.arguments[0].text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS));
  return edges;
}

/** `import type {…}`, or `import {type A, type B}` with nothing else: TypeScript erases it. */
function isTypeOnlyImport(clause: ts.ImportClause | undefined): boolean {
  if (!clause) return false; // `import './side-effect.js'`
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return !clause.name && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.every((element) => element.isTypeOnly);
}

const isTest = (file: string) => /\.test\.ts$/.test(file) || file.startsWith('test/');
const top = (path: string) => path.split('/')[0]!;
/** `subgraphs/openvolt/client.ts` → `openvolt`; registry.ts and other files directly in subgraphs/ → undefined. */
const subgraphOf = (path: string) => (top(path) === 'subgraphs' && path.split('/').length > 2 ? path.split('/')[1] : undefined);

/** The imports that break a rule, each with the rule it breaks. */
export function layoutViolations(edges: readonly ImportEdge[]): string[] {
  const violations: string[] = [];
  for (const { from, to, typeOnly } of edges) {
    const broken = (rule: string) => violations.push(`${from} imports ${to}: ${rule}`);
    if (top(from) === 'shared' && ['gateway', 'subgraphs', 'scripts', 'bench'].includes(top(to))) {
      broken('shared/ is the kit; it never imports the gateway, a subgraph or what runs them');
    }
    const [importer, imported] = [subgraphOf(from), subgraphOf(to)];
    if (importer && imported && importer !== imported) broken('a subgraph never imports another subgraph');
    if (importer && to === 'subgraphs/registry.js') broken('a subgraph never imports the registry, which loads every subgraph');
    if (top(from) === 'gateway' && !isTest(from) && !typeOnly && top(to) === 'subgraphs') {
      broken('the gateway loads no subgraph code at run time: it serves the supergraph');
    }
    if (top(from) === 'gateway' && !isTest(from) && from !== 'gateway/config.ts' && to === 'shared/subgraph/config.js') {
      broken('the gateway reads its settings in gateway/config.ts alone');
    }
  }
  return violations;
}

/** Every TypeScript file under the given folders of `root`, as paths relative to it. */
export function sourceFiles(root: string, folders: string[]): string[] {
  return folders.flatMap((folder) =>
    readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => posix.join(folder, file.split(/[\\/]/).join('/'))),
  );
}

/** The imports of every TypeScript file under `folders`. */
export function projectImports(root: string, folders: string[]): ImportEdge[] {
  return sourceFiles(root, folders).flatMap((file) => importsOf(file, readFileSync(join(root, file), 'utf8')));
}
