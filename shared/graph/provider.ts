import { registerEnumType } from 'type-graphql';
import { PROVIDER_LABELS, PROVIDER_NAMES, type ProviderName } from './provider-names.js';

/** The GraphQL `Provider` enum, generated from the one list in shared/graph/provider-names.ts. */
export const Provider = Object.fromEntries(PROVIDER_NAMES.map((name) => [name, name])) as {
  [Name in ProviderName]: Name;
};

registerEnumType(Provider, {
  name: 'Provider',
  description: 'The metering provider whose API a piece of data comes from.',
  valuesConfig: Object.fromEntries(PROVIDER_NAMES.map((name) => [name, { description: `Data from ${PROVIDER_LABELS[name]}'s API.` }])),
});
