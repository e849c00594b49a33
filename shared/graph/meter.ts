import { Field, ID, InterfaceType } from 'type-graphql';
import type { ProviderName } from './provider-names.js';
import { Provider } from './provider.js';

/**
 * What every provider's meter type has in common. Each subgraph declares it identically; implementations
 * are not auto-registered, so one subgraph's schema never picks up another's meter types when several
 * subgraphs are built in one process.
 */
@InterfaceType('Meter', {
  description: 'A meter as any provider knows it. Each provider type adds its own fields, and consumption where it has readings.',
  autoRegisterImplementations: false,
})
export abstract class Meter {
  @Field(() => ID, { description: "The provider's own identifier of this meter, unique within that provider." })
  id: string;

  @Field(() => Provider, { description: 'The provider this meter belongs to.' })
  provider: ProviderName;

  @Field(() => String, {
    nullable: true,
    description:
      'The national metering point identifier (MPAN in Great Britain, EAN in the Netherlands, …) the provider records for this meter; null when it records none. The same id at two providers is the same grid connection, which meteringPoint(id) joins.',
  })
  meterPointId: string | null;

  @Field(() => String, { nullable: true, description: 'A human-readable name or description of the meter, as the provider gives it.' })
  name: string | null;
}

/**
 * `Meter.meterPointId` as every provider type answers it: the national metering point id the provider
 * records for the meter, trimmed; null when it records none (a blank is none). Each type's mapping passes
 * its provider's field through this, so `... on Meter { meterPointId }` means the same for all of them.
 */
export function nationalMeterPointId(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
