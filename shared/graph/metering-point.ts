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

/**
 * How many metering points one request may name (`meteringPoints(ids)`, the metering composite's
 * portfolio totals): every one of them is a part of each provider's batched call, so the list is bounded.
 */
export const MAX_METERING_POINTS = 100;

/**
 * The ids of a list of metering points, checked before any upstream call: at most MAX_METERING_POINTS,
 * none empty; trimmed, and duplicates collapsed to their first place (a connection named twice is one
 * connection, and summed twice it would be counted twice).
 */
export function meteringPointIds(ids: readonly string[], field: string): string[] {
  if (ids.length > MAX_METERING_POINTS) {
    throw new BadUserInputError(`${field} names at most ${MAX_METERING_POINTS} metering points (got ${ids.length}).`, { field });
  }
  const trimmed = ids.map((id) => id.trim());
  if (trimmed.some((id) => !id)) throw new BadUserInputError(`${field} must not contain an empty metering point id.`, { field });
  return [...new Set(trimmed)];
}

/** The roots shared by every subgraph: `meteringPoint(id)` and `meteringPoints(ids)`, answered identically by each. */
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

  @Query(() => [MeteringPoint], {
    nullable: true,
    description: `Several metering points at once, as \`meteringPoint(id)\` gives each: in the order given, a repeated id answered once (at its first place). At most ${MAX_METERING_POINTS} ids, else BAD_USER_INPUT before any provider is asked. Any subgraph can answer this root.`,
  })
  @Directive('@shareable')
  meteringPoints(
    @Arg('ids', () => [ID], { description: `The national metering point identifiers, at most ${MAX_METERING_POINTS}.` }) ids: string[],
  ): MeteringPoint[] {
    return meteringPointIds(ids, 'ids').map((id) => new MeteringPoint(id));
  }
}

/** `__resolveReference` for MeteringPoint: the id is all there is to it. */
export function resolveMeteringPointReference(reference: { id?: unknown }): MeteringPoint {
  return new MeteringPoint(String(reference.id));
}
