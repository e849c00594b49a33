import { readFile } from 'node:fs/promises';
import { buildSchema, isNonNullType, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH } from '../gateway/supergraph.js';
import { composeSupergraph } from '../scripts/compose.js';

describe('supergraph.graphql', () => {
  it('is what composing the current subgraphs produces (run `npm run compose` when this fails)', async () => {
    const committed = await readFile(SUPERGRAPH_PATH, 'utf8');
    expect(committed).toBe(await composeSupergraph());
  });

  it('makes every root field nullable, and every provider’s field on MeteringPoint: each needs a subgraph fetch that can fail', async () => {
    const schema = buildSchema(await readFile(SUPERGRAPH_PATH, 'utf8'), { assumeValidSDL: true });
    const nonNull = (type: GraphQLObjectType, except: string[] = []) =>
      Object.values(type.getFields())
        .filter((field) => !field.name.startsWith('_') && !except.includes(field.name) && isNonNullType(field.type))
        .map((field) => `${type.name}.${field.name}`);
    expect(nonNull(schema.getQueryType()!)).toEqual([]);
    expect(nonNull(schema.getMutationType()!)).toEqual([]);
    expect(nonNull(schema.getType('MeteringPoint') as GraphQLObjectType, ['id'])).toEqual([]);
  });
});
