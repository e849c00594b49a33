import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH } from '../gateway/index.js';
import { composeSupergraph } from '../scripts/compose.js';

describe('supergraph.graphql', () => {
  it('is what composing the current subgraphs produces (run `npm run compose` when this fails)', async () => {
    const committed = await readFile(SUPERGRAPH_PATH, 'utf8');
    expect(committed).toBe(await composeSupergraph());
  });
});
