import 'reflect-metadata';
import { ConfigError, str } from '../../shared/subgraph/config.js';
import type { ProviderServerConfig } from '../../shared/subgraph/module.js';
import { defineProvider } from '../../shared/subgraph/provider.js';
import { TimeSeriesReader } from '../../shared/time/index.js';
import { __Name__Client } from './client.js';
import { create__Name__Loaders } from './loaders.js';
import { __name__Readings } from './readings.js';
import {
  __name__ReferenceResolvers,
  __Name__MeteringPointResolver,
  __Name__MeterResolver,
  __Name__QueryResolver,
  type __Name__Context,
} from './resolvers.js';

export interface __Name__Config extends ProviderServerConfig {
  apiKey: string;
}

/** __Label__: meters and their half-hourly consumption. */
export const __name__ = defineProvider({
  name: '__name__',
  provider: '__NAME__',
  label: '__Label__',
  ports: { subgraph: __SUBGRAPH_PORT__, simulator: __SIMULATOR_PORT__ },
  settings: {
    __NAME___API_KEY: str({ default: '', desc: 'Your __Label__ API key (required with __NAME___API_URL)' }),
  },
  config(server, settings): __Name__Config {
    if (server.apiUrl && !settings.__NAME___API_KEY) {
      throw new ConfigError('__NAME___API_KEY is required when __NAME___API_URL is set (your __Label__ API key).');
    }
    return { ...server, apiKey: settings.__NAME___API_KEY };
  },
  // Readings of an interval that ended this long ago no longer change (CONTRACT.md, "Finality"): the kit caches them.
  finalAfterDays: 7,
  schema: {
    resolvers: [__Name__QueryResolver, __Name__MeterResolver, __Name__MeteringPointResolver],
    referenceResolvers: __name__ReferenceResolvers,
  },
  serve(config, _store, { now, history }) {
    // One client per process: its concurrency cap and circuit breaker are the process's view of __Label__.
    const client = new __Name__Client({ baseUrl: config.apiUrl, apiKey: config.apiKey, calls: config.calls });
    const source = __name__Readings(client);
    return {
      context: (): __Name__Context => ({
        client,
        loaders: create__Name__Loaders(client),
        readings: new TimeSeriesReader(source, now, config.readingBounds, history),
      }),
    };
  },
  simulator: () => import('./simulator/index.js'),
});
