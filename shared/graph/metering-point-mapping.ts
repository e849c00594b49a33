import { Arg, Ctx, Directive, Field, ID, Mutation, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import type { MeteringPointLookup, MeteringPointMappingEntry } from '../subgraph/metering-point-mapping.js';
import type { ProviderName } from './provider-names.js';
import { Provider } from './provider.js';
import { RequiresRole } from './role-directive.js';

/**
 * The GraphQL side of the metering-point mapping (shared/subgraph/metering-point-mapping.ts): per
 * provider whose meters may lack a national metering point id, a root field listing the mapping and a
 * mutation setting one meter's entry. They are named after the provider (`setIntellimeterMeteringPoint`),
 * because each provider's subgraph keeps its own mapping and the gateway routes a root field to one subgraph.
 */

export enum MeteringPointMappingSource {
  CONFIGURED = 'CONFIGURED',
  SET = 'SET',
}
registerEnumType(MeteringPointMappingSource, {
  name: 'MeteringPointMappingSource',
  description: 'Where a metering-point mapping entry comes from.',
  valuesConfig: {
    CONFIGURED: { description: 'The configured mapping file (METERING_POINT_MAPPING_FILE), or a simulator’s seed.' },
    SET: { description: 'Set through the provider’s set…MeteringPoint mutation; it wins over the file and survives restarts.' },
  },
});

@ObjectType('MeteringPointMapping', {
  description:
    'Which metering point a meter measures, for a meter whose provider records no national metering point id. It is used by the meter’s `meterPointId` and `meteringPoint` and by `MeteringPoint`’s list of that provider’s meters.',
})
@Directive('@shareable')
export class MeteringPointMapping {
  @Field(() => Provider, { description: 'The provider of the meter.' })
  provider: ProviderName;

  @Field(() => ID, { description: 'The provider’s id of the meter (its `id` in this graph).' })
  meterId: string;

  @Field(() => ID, { nullable: true, description: 'The national metering point id the meter measures; null: none.' })
  meteringPointId: string | null;

  @Field(() => MeteringPointMappingSource, { description: 'Whether the entry was configured or set through the mutation.' })
  source: MeteringPointMappingSource;

  static of(provider: ProviderName, entry: MeteringPointMappingEntry): MeteringPointMapping {
    return Object.assign(new MeteringPointMapping(), { provider, ...entry, source: MeteringPointMappingSource[entry.source] });
  }
}

/** What a provider's request context holds for the mapping's root fields. */
export interface MeteringPointMappingContext {
  meteringPoints: MeteringPointLookup;
}

/**
 * The mapping's root fields of one provider: `<name>MeteringPointMappings` and
 * `set<Name>MeteringPoint(meterId, meteringPointId)`. `name` is the subgraph's (`intellimeter`).
 */
export function meteringPointMappingResolver(name: string, provider: ProviderName, label: string): Function {
  const prefix = name.charAt(0).toUpperCase() + name.slice(1);

  @Resolver()
  class ProviderMeteringPointMappingResolver {
    @Query(() => [MeteringPointMapping], {
      name: `${name}MeteringPointMappings`,
      nullable: true,
      description: `Which metering point each ${label} meter without one of its own measures: the configured entries and those set through set${prefix}MeteringPoint.`,
    })
    async mappings(@Ctx() { meteringPoints }: MeteringPointMappingContext): Promise<MeteringPointMapping[]> {
      return (await meteringPoints.mapping.entries()).map((entry) => MeteringPointMapping.of(provider, entry));
    }

    @RequiresRole('admin')
    @Mutation(() => MeteringPointMapping, {
      name: `set${prefix}MeteringPoint`,
      nullable: true,
      description:
        `Sets which national metering point one of ${label}’s meters measures, for a meter whose provider records none (a meter that has one keeps it). ` +
        'Kept in the store for every replica and over restarts; it wins over the configured mapping file. One call to the provider checks the meter exists: NOT_FOUND, and nothing stored, when it does not. Needs the admin role.',
    })
    async set(
      @Arg('meterId', () => ID, { description: `The ${label} meter’s id (its \`id\` in this graph).` }) meterId: string,
      @Arg('meteringPointId', () => ID, {
        nullable: true,
        description: 'The national metering point id (EAN, MPAN, …) the meter measures; null: it measures none (overriding the file).',
      })
      meteringPointId: string | null,
      @Ctx() { meteringPoints }: MeteringPointMappingContext,
    ): Promise<MeteringPointMapping> {
      return MeteringPointMapping.of(provider, await meteringPoints.set(meterId, meteringPointId ?? null));
    }
  }
  return ProviderMeteringPointMappingResolver;
}
