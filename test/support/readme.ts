import { readFileSync } from 'node:fs';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { codeBlocks } from './markdown.js';

/** An operation the project shows a reader: a README block or a playground example. */
export interface DocumentedOperation {
  /** Where it is, e.g. `README.md:112 DayByHour`. */
  label: string;
  query: string;
  variables?: Record<string, unknown>;
}

export const README_PATH = new URL('../../README.md', import.meta.url);

/**
 * Every ```graphql block of the README in document order, with its variables: the ```json block right
 * after it (nothing but blank lines between).
 */
export function readmeOperations(markdown = readFileSync(README_PATH, 'utf8')): DocumentedOperation[] {
  return codeBlocks(markdown)
    .filter((block) => block.language === 'graphql')
    .map((block) => {
      const definition = parse(block.code).definitions.find(
        (node): node is OperationDefinitionNode => node.kind === Kind.OPERATION_DEFINITION,
      );
      const label = `README.md:${block.line} ${definition?.name?.value ?? 'anonymous operation'}`;
      const variables = block.next?.language === 'json' ? (JSON.parse(block.next.code) as Record<string, unknown>) : undefined;
      return { label, query: block.code, variables };
    });
}
