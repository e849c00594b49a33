import 'reflect-metadata';
import { ConfigError, str } from '../../shared/subgraph/config.js';
import type { ProviderServerConfig } from '../../shared/subgraph/module.js';
import { defineProvider } from '../../shared/subgraph/provider.js';
import { TimeSeriesReader } from '../../shared/time/index.js';
import { EnerkeyClient } from './client.js';
import { createEnerkeyLoaders } from './loaders.js';
import { enerkeyReadings } from './readings.js';
import {
  EnerkeyActionResolver,
  EnerkeyFacilityResolver,
  EnerkeyMeteringPointResolver,
  EnerkeyMeterResolver,
  EnerkeyMutationResolver,
  EnerkeyQueryResolver,
  enerkeyReferenceResolvers,
  type EnerkeyContext,
} from './resolvers.js';

export interface EnerkeyConfig extends ProviderServerConfig {
  /** The profile's key and, when configured, its second key to rotate to. */
  apiKeys: string[];
}

/** EnerKey: facilities, meters, hourly and monthly values, pushes, provisioning. */
export const enerkey = defineProvider({
  name: 'enerkey',
  provider: 'ENERKEY',
  label: 'EnerKey',
  ports: { subgraph: 4004, simulator: 4104 },
  settings: {
    ENERKEY_API_KEY: str({ default: '', desc: 'The API key EnerKey’s service desk gave your profile (required with ENERKEY_API_URL)' }),
    ENERKEY_API_KEY_SECONDARY: str({ default: '', desc: 'The profile’s second key, used when the first is refused' }),
  },
  config(server, settings): EnerkeyConfig {
    if (server.apiUrl && !settings.ENERKEY_API_KEY) {
      throw new ConfigError(
        'ENERKEY_API_KEY is required when ENERKEY_API_URL is set (the API key EnerKey’s service desk gave your profile).',
      );
    }
    return { ...server, apiKeys: [settings.ENERKEY_API_KEY, settings.ENERKEY_API_KEY_SECONDARY].filter(Boolean) };
  },
  schema: {
    resolvers: [
      EnerkeyQueryResolver,
      EnerkeyMutationResolver,
      EnerkeyFacilityResolver,
      EnerkeyMeterResolver,
      EnerkeyActionResolver,
      EnerkeyMeteringPointResolver,
    ],
    referenceResolvers: enerkeyReferenceResolvers,
  },
  serve(config, store, { now }) {
    // One client per process: the key ring's budget is the process's view of the keys' daily budgets.
    const client = new EnerkeyClient({
      store,
      baseUrl: config.apiUrl,
      apiKeys: config.apiKeys,
      calls: config.calls,
      readingBounds: config.readingBounds,
    });
    const source = enerkeyReadings(client);
    return {
      context: (): EnerkeyContext => ({
        client,
        store,
        loaders: createEnerkeyLoaders(client),
        readings: new TimeSeriesReader(source, now, config.readingBounds),
      }),
      // Each key's daily budget as the key ring counts it (shared by replicas on one store).
      requestBudgets: () =>
        Promise.all(
          config.apiKeys.map(async (_key, index) => ({
            name: index === 0 ? 'primary' : 'secondary',
            remaining: (await client.keys.budget(index)).remaining,
          })),
        ),
    };
  },
  simulator: () => import('./simulator/index.js'),
});
