/** The five providers, as they appear in `extensions.provider`, the `Provider` enum and env prefixes. */
export const PROVIDER_NAMES = ['OPENVOLT', 'VOLUE', 'UMETER', 'ENERKEY', 'INTELLIMETER'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** How a person writes each provider's name, for messages. */
export const PROVIDER_LABELS: Record<ProviderName, string> = {
  OPENVOLT: 'Openvolt',
  VOLUE: 'Volue',
  UMETER: 'UMeter',
  ENERKEY: 'EnerKey',
  INTELLIMETER: 'Intellimeter',
};
