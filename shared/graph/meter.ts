import { Field, ID, InterfaceType } from 'type-graphql';
import type { ProviderName } from '../provider.js';
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
  @Field(() => ID, { description: "The provider's own identifier of this meter." })
  id: string;

  @Field(() => Provider, { description: 'The provider this meter belongs to.' })
  provider: ProviderName;

  @Field(() => String, {
    nullable: true,
    description: 'The national metering point identifier (MPAN in Great Britain, EAN in the Netherlands, …), when the provider knows it.',
  })
  meterPointId: string | null;

  @Field(() => String, { nullable: true, description: 'A human-readable name or description of the meter.' })
  name: string | null;
}
