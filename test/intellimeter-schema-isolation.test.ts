import { printSubgraphSchema } from '@apollo/subgraph';
import { describe, expect, it } from 'vitest';
import { buildIntellimeterSchema } from '../subgraphs/intellimeter/index.js';
import { buildOpenvoltSchema } from '../subgraphs/openvolt/index.js';

/**
 * Two subgraphs built in one process (compose, start-all, tests) each keep only their own fields on the
 * shared MeteringPoint entity (shared/type-graphql-isolation.ts); type-graphql alone would leak the
 * first one's field resolvers, and with them its types, into the second.
 */
describe('subgraph schemas built in one process', () => {
  it('keep each provider’s MeteringPoint field and types to themselves', async () => {
    const openvolt = printSubgraphSchema(await buildOpenvoltSchema());
    const intellimeter = printSubgraphSchema(await buildIntellimeterSchema());
    expect(openvolt).toContain('openvoltMeters');
    expect(openvolt).not.toMatch(/intellimeterPoints|IntellimeterPoint/);
    expect(intellimeter).toContain('intellimeterPoints');
    expect(intellimeter).not.toMatch(/openvoltMeters|OpenvoltMeter/);
  });
});
