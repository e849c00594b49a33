import { Arg, Directive, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import { BadUserInputError } from './errors.js';

/**
 * The cross-provider join (DESIGN.md, "The graph"): a physical connection identified by its national
 * metering point id. Every subgraph declares this entity and contributes one field to it through a
 * `@Resolver(() => MeteringPoint)` field resolver of its own.
 */
@ObjectType('MeteringPoint', {
  description:
    'A physical grid connection, identified by its national metering point id (MPAN, EAN, …). Each provider adds what it knows about this connection.',
})
@Directive('@key(fields: "id")')
export class MeteringPoint {
  @Field(() => ID, { description: 'The national metering point identifier, e.g. a 13-digit MPAN core or an 18-digit EAN.' })
  id: string;

  constructor(id: string) {
    this.id = id;
  }
}

/** `meteringPoint(id)`, the one root field shared by every subgraph. */
@Resolver(() => MeteringPoint)
export class MeteringPointRootResolver {
  @Query(() => MeteringPoint, {
    nullable: true,
    description:
      'Everything every provider knows about one metering point. Providers that do not know it return empty lists (UMeter: null); a failing provider’s field alone is null, with a coded error. Any subgraph can answer this root, so it survives one subgraph being down.',
  })
  @Directive('@shareable')
  meteringPoint(@Arg('id', () => ID, { description: 'The national metering point identifier (MPAN, EAN, …).' }) id: string): MeteringPoint {
    const trimmed = id.trim();
    if (!trimmed) throw new BadUserInputError('meteringPoint(id) needs a non-empty metering point id.', { field: 'id' });
    return new MeteringPoint(trimmed);
  }
}

/** `__resolveReference` for MeteringPoint: the id is all there is to it. */
export function resolveMeteringPointReference(reference: { id?: unknown }): MeteringPoint {
  return new MeteringPoint(String(reference.id));
}
