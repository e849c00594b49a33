import 'reflect-metadata';
import { ConfigError, numberInRange, str } from '../../shared/subgraph/config.js';
import type { ProviderServerConfig } from '../../shared/subgraph/module.js';
import { defineProvider } from '../../shared/subgraph/provider.js';
import { TimeSeriesReader } from '../../shared/time/index.js';
import { EnerkeyClient } from './client.js';
import { ENERKEY_DOCUMENTED_BURST } from './contract.js';
import { KEY_NAMES, type EnerkeyBurstLimit, type EnerkeyKeySpec } from './keys.js';
import { createEnerkeyLoaders } from './loaders.js';
import { enerkeyReadings } from './readings.js';
import {
  EnerkeyActionResolver,
  EnerkeyAlarmResolver,
  EnerkeyFacilityResolver,
  EnerkeyMeteringPointResolver,
  findEnerkeyMeter,
  EnerkeyMeterResolver,
  EnerkeyMutationResolver,
  EnerkeyProvisioningStatusResolver,
  EnerkeyQueryResolver,
  enerkeyReferenceResolvers,
  type EnerkeyContext,
} from './resolvers.js';

export interface EnerkeyConfig extends ProviderServerConfig {
  /** The profile's key and, when configured, its second key to rotate to, with their validity dates. */
  apiKeys: EnerkeyKeySpec[];
  renewalMarginMs: number;
  refusedKeyPauseMs: number;
  /** Undefined when ENERKEY_BURST_LIMIT is 0. */
  burst: EnerkeyBurstLimit | undefined;
}

const DAY_MS = 86_400_000;

/**
 * A key's validity date from its setting: empty = open; `2026-12-31` = that whole day (UTC) for an end,
 * its start for a beginning; or an ISO 8601 date-time with offset.
 */
function validityDate(name: string, raw: string, end: boolean): number | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(dateOnly ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms) || (!dateOnly && !/(Z|[+-]\d{2}:\d{2})$/.test(text))) {
    throw new ConfigError(
      `${name} must be a date such as 2026-12-31 or a date-time with offset such as 2026-12-31T12:00:00Z; got "${raw}".`,
    );
  }
  return dateOnly && end ? ms + DAY_MS : ms;
}

/** EnerKey: facilities, meters, hourly and monthly values, pushes, provisioning. */
export const enerkey = defineProvider({
  name: 'enerkey',
  provider: 'ENERKEY',
  label: 'EnerKey',
  ports: { subgraph: 4004, simulator: 4104 },
  meteringPointSeries: { field: 'enerkeyMeters', production: false },
  settings: {
    ENERKEY_API_KEY: str({ default: '', desc: 'The API key EnerKey’s service desk gave your profile (required with ENERKEY_API_URL)' }),
    ENERKEY_API_KEY_SECONDARY: str({
      default: '',
      desc: 'The profile’s second key, used when the first is refused, spent or near its end',
    }),
    ENERKEY_API_KEY_VALID_FROM: str({ default: '', desc: 'First day (UTC) the first key is valid, e.g. 2026-01-01; empty = already' }),
    ENERKEY_API_KEY_VALID_UNTIL: str({ default: '', desc: 'Last day (UTC) the first key is valid, e.g. 2026-12-31; empty = no end known' }),
    ENERKEY_API_KEY_SECONDARY_VALID_FROM: str({ default: '', desc: 'First day (UTC) the second key is valid' }),
    ENERKEY_API_KEY_SECONDARY_VALID_UNTIL: str({ default: '', desc: 'Last day (UTC) the second key is valid' }),
    ENERKEY_RENEWAL_MARGIN_DAYS: numberInRange(
      0,
      365,
    )({
      default: 14,
      desc: 'A key this many days from its end is near expiry: requests move to the other key, and when every key is that close the subgraph warns (log, gridgraph_upstream_credentials_expiring)',
    }),
    ENERKEY_REFUSAL_PAUSE_SECONDS: numberInRange(
      1,
      7 * 86_400,
    )({
      default: 3600,
      desc: 'How long a key EnerKey refused (401) rests before it is tried again',
    }),
    ENERKEY_BURST_LIMIT: numberInRange(
      0,
      1_000_000,
    )({
      default: ENERKEY_DOCUMENTED_BURST.limit,
      desc: 'Requests per key per burst window the subgraph sends at most (EnerKey’s development portal: 20 per 10 s); 0 = no burst limit. Against the simulator: the simulator’s',
    }),
    ENERKEY_BURST_WINDOW_SECONDS: numberInRange(
      1,
      86_400,
    )({
      default: ENERKEY_DOCUMENTED_BURST.windowMs / 1000,
      desc: 'The burst window in seconds',
    }),
  },
  config(server, settings): EnerkeyConfig {
    if (server.apiUrl && !settings.ENERKEY_API_KEY) {
      throw new ConfigError(
        'ENERKEY_API_KEY is required when ENERKEY_API_URL is set (the API key EnerKey’s service desk gave your profile).',
      );
    }
    const keys = [
      [settings.ENERKEY_API_KEY, 'ENERKEY_API_KEY', settings.ENERKEY_API_KEY_VALID_FROM, settings.ENERKEY_API_KEY_VALID_UNTIL],
      [
        settings.ENERKEY_API_KEY_SECONDARY,
        'ENERKEY_API_KEY_SECONDARY',
        settings.ENERKEY_API_KEY_SECONDARY_VALID_FROM,
        settings.ENERKEY_API_KEY_SECONDARY_VALID_UNTIL,
      ],
    ] as const;
    const apiKeys = keys
      .filter(([key]) => key)
      .map(([key, name, from, until]) => ({
        key,
        validFrom: validityDate(`${name}_VALID_FROM`, from, false),
        validUntil: validityDate(`${name}_VALID_UNTIL`, until, true),
      }));
    const burstLimit = Math.floor(settings.ENERKEY_BURST_LIMIT);
    return {
      ...server,
      apiKeys,
      renewalMarginMs: settings.ENERKEY_RENEWAL_MARGIN_DAYS * DAY_MS,
      refusedKeyPauseMs: settings.ENERKEY_REFUSAL_PAUSE_SECONDS * 1000,
      burst: burstLimit > 0 ? { limit: burstLimit, windowMs: settings.ENERKEY_BURST_WINDOW_SECONDS * 1000 } : undefined,
    };
  },
  // Readings of an interval that ended this long ago no longer change (CONTRACT.md, "Finality").
  finalAfterDays: 7,
  schema: {
    resolvers: [
      EnerkeyQueryResolver,
      EnerkeyMutationResolver,
      EnerkeyFacilityResolver,
      EnerkeyMeterResolver,
      EnerkeyActionResolver,
      EnerkeyAlarmResolver,
      EnerkeyProvisioningStatusResolver,
      EnerkeyMeteringPointResolver,
    ],
    referenceResolvers: enerkeyReferenceResolvers,
  },
  mapsMeteringPoints: true,
  serve(config, store, { now, meteringPoints, history }) {
    // One client per process: the key ring is the process's view of the keys (budgets, bursts and refusals shared through the store).
    const client = new EnerkeyClient({
      store,
      now,
      baseUrl: config.apiUrl,
      keys: config.apiKeys,
      renewalMarginMs: config.renewalMarginMs,
      refusedKeyPauseMs: config.refusedKeyPauseMs,
      burst: config.burst,
      calls: config.calls,
      readingBounds: config.readingBounds,
    });
    const source = enerkeyReadings(client);
    return {
      context: (): EnerkeyContext => {
        const lookup = meteringPoints.forRequest((id) => findEnerkeyMeter(loaders, id));
        const loaders = createEnerkeyLoaders(client, lookup);
        return {
          client,
          store,
          loaders,
          readings: new TimeSeriesReader(source, now, config.readingBounds, history),
          meteringPoints: lookup,
        };
      },
      // Each key's daily budget as the key ring counts it (shared by replicas on one store).
      requestBudgets: () =>
        Promise.all(
          config.apiKeys.map(async (_key, index) => ({
            name: KEY_NAMES[index]!,
            remaining: (await client.keys.budget(index)).remaining,
          })),
        ),
      // Each key's time left against its configured dates, and whether every key is near its end.
      credentialValidity: () => client.keys.validity(),
    };
  },
  simulator: () => import('./simulator/index.js'),
});
