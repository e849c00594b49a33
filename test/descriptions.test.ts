import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH } from '../gateway/supergraph.js';
import { supergraphSchema, undocumented } from './support/descriptions.js';

/**
 * The schema is the reference a newcomer reads in the playground's documentation explorer: every type,
 * field, argument, enum value and input field of the composed supergraph says what it is.
 */
describe('schema documentation', () => {
  it('describes every type, field, argument, enum value and input field of the supergraph', async () => {
    const schema = supergraphSchema(await readFile(SUPERGRAPH_PATH, 'utf8'));
    expect(undocumented(schema), 'add a description to each of these (then run `npm run compose`)').toEqual([]);
  });

  it('finds each kind of missing description, and ignores federation machinery and built-ins', () => {
    const schema = supergraphSchema(`
      """Documented."""
      type Query {
        """Documented."""
        ok(
          """Documented."""
          a: Int
          b: Int
        ): Int
        bare: Thing
        _service: String
      }
      type Thing {
        """  """
        blank: String
      }
      """Documented."""
      enum Colour {
        """Documented."""
        RED
        GREEN
      }
      """Documented."""
      input Filter {
        colour: Colour
      }
      """Documented."""
      scalar Stamp
      scalar join__FieldSet
      enum link__Purpose { SECURITY }
      scalar _Any
    `);
    expect(undocumented(schema)).toEqual(['Colour.GREEN', 'Filter.colour', 'Query.bare', 'Query.ok(b:)', 'Thing', 'Thing.blank']);
  });
});
