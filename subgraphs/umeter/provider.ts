import 'reflect-metadata';
import { ConfigError, optionalUrl, str } from '../../shared/subgraph/config.js';
import type { ProviderServerConfig } from '../../shared/subgraph/module.js';
import { defineProvider } from '../../shared/subgraph/provider.js';
import { TimeSeriesReader } from '../../shared/time/index.js';
import { UmeterClient } from './client.js';
import { createUmeterLoaders } from './loaders.js';
import { umeterReadings } from './readings.js';
import {
  UmeterAddressResolver,
  UmeterConnectionResolver,
  UmeterCustomerResolver,
  UmeterMeteringPointResolver,
  UmeterQueryResolver,
  umeterReferenceResolvers,
  type UmeterContext,
} from './resolvers.js';

/** The real hosts (CONTRACT.md); used with UMETER_API_URL unless their own variables say otherwise. */
const UMETER_AUTH_HOST = 'https://auth.umeter.nl';
const UMETER_MEASUREMENTS_HOST = 'https://meas.meterdata.io';

export interface UmeterConfig extends ProviderServerConfig {
  authUrl: string;
  measurementsUrl: string;
  username: string;
  password: string;
}

/** UMeter (Netherlands): customers, addresses, connections (EANs), measurements, usage and cost. */
export const umeter = defineProvider({
  name: 'umeter',
  provider: 'UMETER',
  label: 'UMeter',
  ports: { subgraph: 4003, simulator: 4103 },
  meteringPointSeries: { field: 'umeterConnection', production: true },
  settings: {
    UMETER_AUTH_URL: optionalUrl({ default: '', desc: `The auth host (default ${UMETER_AUTH_HOST})` }),
    UMETER_MEASUREMENTS_URL: optionalUrl({ default: '', desc: `The measurements host (default ${UMETER_MEASUREMENTS_HOST})` }),
    UMETER_USERNAME: str({ default: '', desc: 'The UMeter account’s email (required with UMETER_API_URL)' }),
    UMETER_PASSWORD: str({ default: '', desc: 'The UMeter account’s password (required with UMETER_API_URL)' }),
  },
  config(server, settings): UmeterConfig {
    if (server.apiUrl && (!settings.UMETER_USERNAME || !settings.UMETER_PASSWORD)) {
      throw new ConfigError(
        'UMETER_USERNAME and UMETER_PASSWORD are required when UMETER_API_URL is set (the UMeter account’s email and password).',
      );
    }
    return {
      ...server,
      authUrl: settings.UMETER_AUTH_URL || UMETER_AUTH_HOST,
      measurementsUrl: settings.UMETER_MEASUREMENTS_URL || UMETER_MEASUREMENTS_HOST,
      username: settings.UMETER_USERNAME,
      password: settings.UMETER_PASSWORD,
    };
  },
  // Readings of an interval that ended this long ago no longer change (CONTRACT.md, "Finality").
  finalAfterDays: 10,
  schema: {
    resolvers: [UmeterQueryResolver, UmeterCustomerResolver, UmeterAddressResolver, UmeterConnectionResolver, UmeterMeteringPointResolver],
    referenceResolvers: umeterReferenceResolvers,
  },
  serve(config, store, { now, history }) {
    const client = new UmeterClient({
      store,
      authUrl: config.authUrl,
      appUrl: config.apiUrl,
      measurementsUrl: config.measurementsUrl,
      username: config.username,
      password: config.password,
      calls: config.calls,
    });
    const source = umeterReadings(client);
    return {
      context: (): UmeterContext => ({
        client,
        store,
        loaders: createUmeterLoaders(client),
        readings: new TimeSeriesReader(source, now, config.readingBounds, history),
      }),
    };
  },
  simulator: () => import('./simulator/index.js'),
});
