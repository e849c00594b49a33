import { Directive, Field, ID, ObjectType } from 'type-graphql';
import type { ProviderName } from './provider-names.js';
import { Provider } from './provider.js';

/** What a delete mutation returns once the provider confirmed the deletion. */
@ObjectType('Deletion', { description: 'Confirmation that the provider deleted an object.' })
@Directive('@shareable')
export class Deletion {
  @Field(() => ID, { description: "The provider's id of the deleted object." })
  id: string;

  @Field(() => Provider, { description: 'The provider that deleted it.' })
  provider: ProviderName;

  @Field(() => Boolean, { description: 'Always true: a failed deletion is an error, never `deleted: false`.' })
  deleted: boolean;
}
