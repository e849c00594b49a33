import 'reflect-metadata';
import { IANAZone } from 'luxon';
import { ConfigError, str } from '../../shared/subgraph/config.js';
import type { ProviderServerConfig } from '../../shared/subgraph/module.js';
import { defineProvider } from '../../shared/subgraph/provider.js';
import { TimeSeriesReader } from '../../shared/time/index.js';
import { IntellimeterClient, type IntellimeterLoginMethod } from './client.js';
import { createIntellimeterLoaders } from './loaders.js';
import { FILE_TYPES, INTELLIMETER_DEFAULT_TIME_ZONE, RESPONSE_TYPES, type FileType, type ResponseType } from './contract.js';
import { intellimeterReadings } from './readings.js';
import {
  IntellimeterAccountResolver,
  IntellimeterMeteringPointResolver,
  IntellimeterMutationResolver,
  IntellimeterPointResolver,
  IntellimeterQueryResolver,
  findIntellimeterPoint,
  intellimeterReferenceResolvers,
  type IntellimeterContext,
} from './resolvers.js';

export interface IntellimeterConfig extends ProviderServerConfig {
  apiKey: string;
  loginMethod: IntellimeterLoginMethod;
  username: string;
  password: string;
  /** The site's IANA zone: Intellimeter's timestamps carry none. */
  timeZone: string;
  responseType: ResponseType;
  fileType: FileType;
}

/** Intellimeter: accounts, users, points, 5-minute register and interval data, files and charts. */
export const intellimeter = defineProvider({
  name: 'intellimeter',
  provider: 'INTELLIMETER',
  label: 'Intellimeter',
  ports: { subgraph: 4005, simulator: 4105 },
  meteringPointSeries: { field: 'intellimeterPoints', production: false },
  settings: {
    INTELLIMETER_LOGIN: str({
      choices: ['key', 'password'],
      default: 'key',
      desc: 'How the subgraph logs in to Intellimeter: by API key (recommended by Intellimeter) or by username and password',
    }),
    INTELLIMETER_API_KEY: str({
      default: '',
      desc: 'An API key generated with Intellimeter’s /key (required with INTELLIMETER_API_URL when INTELLIMETER_LOGIN=key)',
    }),
    INTELLIMETER_USERNAME: str({
      default: '',
      desc: 'The API account’s username (required with INTELLIMETER_API_URL when INTELLIMETER_LOGIN=password)',
    }),
    INTELLIMETER_PASSWORD: str({
      default: '',
      desc: 'The API account’s password (required with INTELLIMETER_API_URL when INTELLIMETER_LOGIN=password)',
    }),
    INTELLIMETER_TIME_ZONE: str({
      default: INTELLIMETER_DEFAULT_TIME_ZONE,
      desc: 'The site’s IANA zone: Intellimeter’s timestamps carry none',
    }),
    // Only the formats Intellimeter knows: an unknown responseType would be executed and then refused.
    INTELLIMETER_RESPONSE_TYPE: str({ choices: [...RESPONSE_TYPES], default: 'json', desc: 'Format asked of /data' }),
    INTELLIMETER_FILE_TYPE: str({ choices: [...FILE_TYPES], default: 'json', desc: 'Format asked of /file' }),
  },
  config(server, settings): IntellimeterConfig {
    const loginMethod = settings.INTELLIMETER_LOGIN as IntellimeterLoginMethod;
    if (server.apiUrl && loginMethod === 'key' && !settings.INTELLIMETER_API_KEY) {
      throw new ConfigError('INTELLIMETER_API_KEY is required when INTELLIMETER_API_URL is set (generate one with Intellimeter’s /key).');
    }
    if (server.apiUrl && loginMethod === 'password' && !(settings.INTELLIMETER_USERNAME && settings.INTELLIMETER_PASSWORD)) {
      throw new ConfigError('INTELLIMETER_USERNAME and INTELLIMETER_PASSWORD are required with INTELLIMETER_LOGIN=password.');
    }
    if (!IANAZone.isValidZone(settings.INTELLIMETER_TIME_ZONE)) {
      throw new ConfigError(
        `INTELLIMETER_TIME_ZONE must be an IANA time zone such as America/Toronto (got "${settings.INTELLIMETER_TIME_ZONE}").`,
      );
    }
    return {
      ...server,
      apiKey: settings.INTELLIMETER_API_KEY,
      loginMethod,
      username: settings.INTELLIMETER_USERNAME,
      password: settings.INTELLIMETER_PASSWORD,
      timeZone: settings.INTELLIMETER_TIME_ZONE,
      responseType: settings.INTELLIMETER_RESPONSE_TYPE as ResponseType,
      fileType: settings.INTELLIMETER_FILE_TYPE as FileType,
    };
  },
  // Readings of an interval that ended this long ago no longer change (CONTRACT.md, "Finality").
  finalAfterDays: 2,
  schema: {
    resolvers: [
      IntellimeterQueryResolver,
      IntellimeterMutationResolver,
      IntellimeterAccountResolver,
      IntellimeterPointResolver,
      IntellimeterMeteringPointResolver,
    ],
    referenceResolvers: intellimeterReferenceResolvers,
  },
  mapsMeteringPoints: true,
  serve(config, store, { now, meteringPoints, history }) {
    // One client per process: it holds the session.
    const client = new IntellimeterClient({
      store,
      baseUrl: config.apiUrl,
      apiKey: config.apiKey,
      loginMethod: config.loginMethod,
      username: config.username,
      password: config.password,
      timeZone: config.timeZone,
      responseType: config.responseType,
      fileType: config.fileType,
      now,
      calls: config.calls,
    });
    const source = intellimeterReadings(client, config.timeZone);
    return {
      context: (): IntellimeterContext => {
        const loaders = createIntellimeterLoaders(client);
        return {
          client,
          store,
          loaders,
          readings: new TimeSeriesReader(source, now, config.readingBounds, history),
          meteringPoints: meteringPoints.forRequest((id) => findIntellimeterPoint(loaders, id)),
        };
      },
    };
  },
  simulator: () => import('./simulator/index.js'),
});
