import 'reflect-metadata';
import { IANAZone } from 'luxon';
import { ConfigError, numberInRange, str } from '../../shared/subgraph/config.js';
import type { ProviderServerConfig } from '../../shared/subgraph/module.js';
import { defineProvider } from '../../shared/subgraph/provider.js';
import { readWebhookSettings, type WebhookSettings } from '../../shared/subgraph/webhook-inbox.js';
import { TimeSeriesReader } from '../../shared/time/index.js';
import { OpenvoltClient } from './client.js';
import { OPENVOLT_API_BASE_PATH } from './contract.js';
import { createOpenvoltLoaders, type OpenvoltAccountShape } from './loaders.js';
import { OPENVOLT_DEFAULT_CALENDAR_ZONE, openvoltReadings } from './readings.js';
import {
  OpenvoltConsentResolver,
  OpenvoltCustomerResolver,
  OpenvoltDocumentMutationResolver,
  OpenvoltMeterResolver,
  OpenvoltMeteringPointResolver,
  OpenvoltMutationResolver,
  OpenvoltQueryResolver,
  findOpenvoltMeter,
  openvoltReferenceResolvers,
  type OpenvoltContext,
} from './resolvers.js';
import { OPENVOLT_WEBHOOK_PATH, OpenvoltEvents, mountOpenvoltWebhook } from './webhooks.js';

/** Default cap of an uploaded document: 512 KiB, about 700 kB as base64. */
const OPENVOLT_DEFAULT_DOCUMENT_MAX_BYTES = 512 * 1024;
/** The highest cap allowed: its base64 (4/3 of it) stays under the 1 MB request bodies the servers take. */
const OPENVOLT_DOCUMENT_MAX_BYTES_LIMIT = 700_000;

export interface OpenvoltConfig extends ProviderServerConfig {
  apiKey: string;
  /** Webhook deliveries must carry `?token=<this>`; unset, none is accepted. */
  webhookToken: string | undefined;
  /** How long received deliveries are kept, how large they may be, how far ahead their stamps (WEBHOOK_*). */
  webhooks: WebhookSettings;
  /** The largest document uploadOpenvoltDocument passes on, in bytes. */
  documentMaxBytes: number;
  /** The zone Openvolt's day, week, month and year rows are taken to be cut in; null: ask for half hours only. */
  calendarZone: string | null;
}

/** Openvolt (https://api.openvolt.com/v1): customers, meters, consents, half-hourly readings, webhooks. */
export const openvolt = defineProvider({
  name: 'openvolt',
  provider: 'OPENVOLT',
  label: 'Openvolt',
  ports: { subgraph: 4001, simulator: 4101, webhook: 4201 },
  meteringPointSeries: { field: 'openvoltMeters', production: false },
  simulatorApiPath: OPENVOLT_API_BASE_PATH,
  settings: {
    OPENVOLT_API_KEY: str({ default: '', desc: 'Your key from Openvolt’s developer dashboard (required with OPENVOLT_API_URL)' }),
    OPENVOLT_WEBHOOK_TOKEN: str({
      default: '',
      desc: 'Webhook deliveries must carry ?token=<this> in the URL; unset, none is accepted (the simulator gets one per run)',
    }),
    // Base64 of the largest allowed document must fit the 1 MB request bodies of the gateway and subgraph.
    OPENVOLT_DOCUMENT_MAX_BYTES: numberInRange(
      1,
      OPENVOLT_DOCUMENT_MAX_BYTES_LIMIT,
    )({ default: OPENVOLT_DEFAULT_DOCUMENT_MAX_BYTES, desc: 'Largest document (decoded bytes) uploadOpenvoltDocument sends to Openvolt' }),
    OPENVOLT_CALENDAR_ZONE: str({
      default: OPENVOLT_DEFAULT_CALENDAR_ZONE,
      desc: 'IANA zone in which Openvolt cuts its day, week, month and year rows (inferred), or "none" to read half hours only',
    }),
  },
  config(server, settings, env): OpenvoltConfig {
    const { OPENVOLT_API_KEY, OPENVOLT_WEBHOOK_TOKEN, OPENVOLT_CALENDAR_ZONE, OPENVOLT_DOCUMENT_MAX_BYTES } = settings;
    if (OPENVOLT_CALENDAR_ZONE !== 'none' && !IANAZone.isValidZone(OPENVOLT_CALENDAR_ZONE)) {
      throw new ConfigError(`OPENVOLT_CALENDAR_ZONE must be an IANA time zone such as UTC, or "none" (got "${OPENVOLT_CALENDAR_ZONE}").`);
    }
    if (server.apiUrl && !OPENVOLT_API_KEY) {
      throw new ConfigError('OPENVOLT_API_KEY is required when OPENVOLT_API_URL is set (your key from Openvolt’s developer dashboard).');
    }
    return {
      ...server,
      apiKey: OPENVOLT_API_KEY,
      webhookToken: OPENVOLT_WEBHOOK_TOKEN || undefined,
      webhooks: readWebhookSettings(env),
      documentMaxBytes: Math.floor(OPENVOLT_DOCUMENT_MAX_BYTES),
      calendarZone: OPENVOLT_CALENDAR_ZONE === 'none' ? null : OPENVOLT_CALENDAR_ZONE,
    };
  },
  // Readings of an interval that ended this long ago no longer change (CONTRACT.md, "Finality").
  finalAfterDays: 35,
  schema: {
    resolvers: [
      OpenvoltQueryResolver,
      OpenvoltMutationResolver,
      OpenvoltDocumentMutationResolver,
      OpenvoltCustomerResolver,
      OpenvoltMeterResolver,
      OpenvoltConsentResolver,
      OpenvoltMeteringPointResolver,
    ],
    referenceResolvers: openvoltReferenceResolvers,
  },
  mapsMeteringPoints: true,
  serve(config, store, { now, meteringPoints, history }) {
    const client = new OpenvoltClient({ baseUrl: config.apiUrl, apiKey: config.apiKey, calls: config.calls });
    const events = new OpenvoltEvents(store, config.webhooks.retentionMs, { history });
    const source = openvoltReadings(client, config.calendarZone);
    const account: OpenvoltAccountShape = { moreThanOnePage: false };
    return {
      context: (): OpenvoltContext => {
        const lookup = meteringPoints.forRequest((id) => findOpenvoltMeter(loaders, id));
        const loaders = createOpenvoltLoaders(client, lookup, account);
        return {
          client,
          store,
          loaders,
          events,
          readings: new TimeSeriesReader(source, now, config.readingBounds, history),
          documentMaxBytes: config.documentMaxBytes,
          meteringPoints: lookup,
        };
      },
      routes: (app) => mountOpenvoltWebhook(app, events, { token: config.webhookToken, settings: config.webhooks, now }),
      webhookUrl: (serverUrl) => {
        const token = config.webhookToken ? `?token=${encodeURIComponent(config.webhookToken)}` : '';
        return `${serverUrl}${OPENVOLT_WEBHOOK_PATH}${token}`;
      },
    };
  },
  simulator: () => import('./simulator/index.js'),
});
