import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeBlocks } from './support/markdown.js';
import { describeErrors, runOperation } from './support/operations.js';
import { readmeOperations } from './support/readme.js';
import { startStack, type TestStack } from './support/stack.js';

/**
 * The README's operations cannot drift from the schema: every ```graphql block runs, in document order,
 * against one freshly started stack, and fails on any error. A block's variables are the ```json block
 * right after it (nothing but blank lines between).
 */

const operations = readmeOperations();

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('README.md operations', () => {
  it('has operations to check', () => {
    expect(operations.length).toBeGreaterThanOrEqual(4);
  });

  it.each(operations.map((operation) => [operation.label, operation] as const))('%s runs without errors', async (_label, operation) => {
    const { data, errors } = await runOperation(stack, operation.query, operation.variables);
    expect(describeErrors(errors)).toEqual([]);
    expect(data).not.toBeNull();
  });
});

describe('code blocks of a Markdown document', () => {
  it('finds fenced blocks with their language and line, and the block right after one', () => {
    const found = codeBlocks(
      [
        'Text', // 1
        '```graphql', // 2
        'query A($id: ID!) { a(id: $id) }',
        '```',
        '',
        '```json', // 6
        '{ "id": "1" }',
        '```',
        'Between.',
        '~~~~ GraphQL title="x"', // 10
        '{ b }',
        '```',
        '~~~~',
        '```sh', // 14
        'npm test',
        '```',
      ].join('\n'),
    );
    expect(found.map(({ language, line, code }) => ({ language, line, code }))).toEqual([
      { language: 'graphql', line: 2, code: 'query A($id: ID!) { a(id: $id) }' },
      { language: 'json', line: 6, code: '{ "id": "1" }' },
      { language: 'graphql', line: 10, code: '{ b }\n```' },
      { language: 'sh', line: 14, code: 'npm test' },
    ]);
    expect(found[0]!.next).toBe(found[1]);
    expect(found[1]!.next).toBeUndefined(); // prose between
    expect(found[2]!.next).toBe(found[3]);
  });
});
