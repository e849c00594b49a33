import 'reflect-metadata';
import { ConfigError, optionalUrl, str, url } from '../../shared/subgraph/config.js';
import type { ProviderServerConfig } from '../../shared/subgraph/module.js';
import { defineProvider } from '../../shared/subgraph/provider.js';
import { readWebhookSettings, type WebhookSettings } from '../../shared/subgraph/webhook-inbox.js';
import { VolueClient } from './client.js';
import { VOLUE_API_BASE_PATH, VOLUE_TOKEN_PATH } from './contract.js';
import { createVolueLoaders } from './loaders.js';
import { VolueKeptFields } from './kept-fields.js';
import { VolueMutationResolver } from './mutations.js';
import {
  VolueLocationResolver,
  VolueMeteringPointResolver,
  VolueMeterPointEligibilityResolver,
  VolueMeterResolver,
  VolueQueryResolver,
  VolueResourceResolver,
  VolueUserResolver,
  VolueWebhookResolver,
  volueReferenceResolvers,
  type VolueContext,
} from './resolvers.js';
import { VOLUE_WEBHOOK_PATH, VolueNotifications, mountVolueWebhook } from './webhooks.js';

export const VOLUE_DEFAULT_TOKEN_URL = `https://auth.identity.volue.com${VOLUE_TOKEN_PATH}`;

export interface VolueConfig extends ProviderServerConfig {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  webhookSecret: string;
  /** Public URL of this server's webhook receiver (the default target of subscribeVolueEvents). */
  webhookReceiverUrl: string | undefined;
  /** How long received notifications are kept, how large they may be, how far ahead their stamps (WEBHOOK_*). */
  webhooks: WebhookSettings;
}

/** Volue Energy Coordination: users, locations, resources, enrollment, events, reports and webhooks. */
export const volue = defineProvider({
  name: 'volue',
  provider: 'VOLUE',
  label: 'Volue',
  ports: { subgraph: 4002, simulator: 4102, webhook: 4202 },
  simulatorApiPath: VOLUE_API_BASE_PATH,
  settings: {
    VOLUE_TOKEN_URL: url({ default: VOLUE_DEFAULT_TOKEN_URL, desc: 'OAuth token endpoint (client credentials)' }),
    VOLUE_CLIENT_ID: str({ default: '', desc: 'OAuth client id from the Spark Portal (required with VOLUE_API_URL)' }),
    VOLUE_CLIENT_SECRET: str({ default: '', desc: 'OAuth client secret from the Spark Portal (required with VOLUE_API_URL)' }),
    VOLUE_WEBHOOK_SECRET: str({
      default: '',
      desc: 'Signs the webhooks this server creates and verifies their deliveries (required with VOLUE_API_URL)',
    }),
    VOLUE_WEBHOOK_RECEIVER_URL: optionalUrl({ default: '', desc: 'Public URL of this server’s webhook receiver' }),
  },
  config(server, settings, env): VolueConfig {
    if (server.apiUrl && (!settings.VOLUE_CLIENT_ID || !settings.VOLUE_CLIENT_SECRET)) {
      throw new ConfigError(
        'VOLUE_CLIENT_ID and VOLUE_CLIENT_SECRET are required when VOLUE_API_URL is set (create them in the Spark Portal).',
      );
    }
    if (server.apiUrl && !settings.VOLUE_WEBHOOK_SECRET) {
      throw new ConfigError(
        'VOLUE_WEBHOOK_SECRET is required when VOLUE_API_URL is set: it signs the webhooks this server creates and verifies their deliveries.',
      );
    }
    return {
      ...server,
      tokenUrl: settings.VOLUE_TOKEN_URL,
      clientId: settings.VOLUE_CLIENT_ID,
      clientSecret: settings.VOLUE_CLIENT_SECRET,
      webhookSecret: settings.VOLUE_WEBHOOK_SECRET,
      webhookReceiverUrl: settings.VOLUE_WEBHOOK_RECEIVER_URL || undefined,
      webhooks: readWebhookSettings(env),
    };
  },
  schema: {
    resolvers: [
      VolueQueryResolver,
      VolueMutationResolver,
      VolueUserResolver,
      VolueLocationResolver,
      VolueResourceResolver,
      VolueMeterResolver,
      VolueMeterPointEligibilityResolver,
      VolueWebhookResolver,
      VolueMeteringPointResolver,
    ],
    referenceResolvers: volueReferenceResolvers,
  },
  serve(config, store, { now }) {
    const client = new VolueClient({
      store,
      baseUrl: config.apiUrl,
      tokenUrl: config.tokenUrl,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      calls: config.calls,
    });
    const notifications = new VolueNotifications(store, config.webhooks.retentionMs);
    const kept = new VolueKeptFields(store);
    // With port 0 the receiver's URL is known only once listening; `receiverUrl` is filled in then.
    const webhooks: VolueContext['webhooks'] = { secret: config.webhookSecret, receiverUrl: config.webhookReceiverUrl };
    return {
      context: (): VolueContext => ({ client, store, kept, loaders: createVolueLoaders(client, kept), notifications, webhooks }),
      routes: (app) => mountVolueWebhook(app, notifications, { secret: config.webhookSecret, settings: config.webhooks, now }),
      listening: (serverUrl) => {
        webhooks.receiverUrl ??= `${serverUrl}${VOLUE_WEBHOOK_PATH}`;
      },
    };
  },
  simulator: () => import('./simulator/index.js'),
});
