import { randomUUID } from 'node:crypto';
import type { Express, Request, Response } from 'express';
import { bodyObject } from '../../../../shared/simulator/index.js';
import {
  VOLUE_NOTIFICATION_TYPES,
  VOLUE_PATHS,
  type VolueEventNotification,
  type VolueNotificationType,
  type VolueWebhookRecord,
  type VolueWebhookTestRecord,
} from '../../contract.js';
import { apiRoute } from '../http.js';
import type { StoredWebhook } from '../store.js';
import { stamp } from '../time.js';
import { addError, type FieldErrors, optionalString, requiredString, throwIfInvalid } from '../validation.js';
import type { VolueRouteDeps } from './index.js';

/** Webhooks (current API): create, list, read, replace, patch, delete, and the seed's test delivery. */
export function registerWebhookRoutes(app: Express, { store, now, requireBearer, notifier }: VolueRouteDeps): void {
  const webhookOf = (req: Request) => store.webhook(String(req.params.webhookId));

  app.get(apiRoute(VOLUE_PATHS.webhooks), requireBearer, (_req, res) => {
    res.json({ webhooks: [...store.webhooks.values()].map(webhookView) });
  });

  app.post(apiRoute(VOLUE_PATHS.webhooks), requireBearer, (req, res) => {
    const errors: FieldErrors = {};
    const fields = webhookFields(bodyObject(req), errors, true);
    throwIfInvalid(errors);
    const at = stamp(now());
    const webhook: StoredWebhook = {
      webhookId: store.nextId('webhook'),
      webhookUrl: fields.webhookUrl!,
      name: fields.name ?? null,
      webhookSecret: fields.webhookSecret ?? null,
      notificationTypes: fields.notificationTypes ?? [],
      enabled: true,
      status: 'New',
      createdDate: at,
      modifiedDate: at,
      lastAnalyzedTimestamp: at,
    };
    store.webhooks.set(webhook.webhookId, webhook);
    res.status(201).json(webhookView(webhook));
  });

  app.get(apiRoute(VOLUE_PATHS.webhook(':webhookId')), requireBearer, (req, res) => {
    res.json(webhookView(webhookOf(req)));
  });

  const update = (replace: boolean) => (req: Request, res: Response) => {
    const webhook = webhookOf(req);
    changeWebhook(webhook, bodyObject(req), replace);
    webhook.modifiedDate = stamp(now());
    res.json(webhookView(webhook));
  };
  app.put(apiRoute(VOLUE_PATHS.webhook(':webhookId')), requireBearer, update(true));
  app.patch(apiRoute(VOLUE_PATHS.webhook(':webhookId')), requireBearer, update(false));

  app.delete(apiRoute(VOLUE_PATHS.webhook(':webhookId')), requireBearer, (req, res) => {
    store.webhooks.delete(webhookOf(req).webhookId);
    res.status(204).end();
  });

  // The seed's "POST /webhooks/:id/test sends a test event"; the answer's shape is inferred.
  app.post(apiRoute(VOLUE_PATHS.webhookTest(':webhookId')), requireBearer, async (req, res) => {
    const webhook = webhookOf(req);
    const notification = testNotification(stamp(now()));
    const delivery = await notifier.deliver(webhook, notification);
    res.json({
      webhookId: webhook.webhookId,
      notificationId: delivery.notificationId,
      eventId: notification.eventId,
      responseStatusCode: delivery.responseStatusCode,
    } satisfies VolueWebhookTestRecord);
  });
}

/** PUT replaces the webhook (a field not sent is cleared); PATCH changes only the fields sent. */
function changeWebhook(webhook: StoredWebhook, body: Record<string, unknown>, replace: boolean): void {
  const errors: FieldErrors = {};
  const fields = webhookFields(body, errors, replace);
  if (body.enabled !== undefined && body.enabled !== null && typeof body.enabled !== 'boolean')
    addError(errors, 'enabled', 'enabled must be true or false.');
  throwIfInvalid(errors);
  if (replace) {
    Object.assign(webhook, {
      webhookUrl: fields.webhookUrl!,
      name: fields.name ?? null,
      webhookSecret: fields.webhookSecret ?? null,
      notificationTypes: fields.notificationTypes ?? [],
      enabled: typeof body.enabled === 'boolean' ? body.enabled : webhook.enabled,
    });
  } else {
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) Object.assign(webhook, { [key]: value });
    if (typeof body.enabled === 'boolean') webhook.enabled = body.enabled;
  }
}

/** A UserEligibility notification that changes nothing, stamped `at`. */
function testNotification(at: string): VolueEventNotification {
  return {
    notificationId: randomUUID(),
    eventId: randomUUID(),
    eventCreatedAtUtc: at,
    notificationSentUtc: at,
    notificationType: 'UserEligibilityUpdated',
    payload: { lastUpdated: at, addedUsers: [], removedUsers: [], payloadType: 'UserEligibility' },
  };
}

function webhookView(webhook: StoredWebhook): VolueWebhookRecord {
  const { webhookSecret: _secret, ...view } = webhook; // the secret is never answered
  return view;
}

function webhookFields(body: Record<string, unknown>, errors: FieldErrors, urlRequired: boolean) {
  const webhookUrl = urlRequired ? requiredString(body, 'webhookUrl', errors) : optionalString(body, 'webhookUrl', errors);
  if (webhookUrl !== undefined && !/^https?:\/\/\S+$/.test(webhookUrl))
    addError(errors, 'webhookUrl', 'webhookUrl must be an http(s) URL.');
  const name = optionalString(body, 'name', errors);
  const webhookSecret = optionalString(body, 'webhookSecret', errors);
  let notificationTypes: VolueNotificationType[] | undefined;
  if (body.notificationTypes !== undefined && body.notificationTypes !== null) {
    if (!Array.isArray(body.notificationTypes) || !body.notificationTypes.every((type) => VOLUE_NOTIFICATION_TYPES.includes(type))) {
      addError(errors, 'notificationTypes', `Each notificationType must be one of ${VOLUE_NOTIFICATION_TYPES.join(', ')}.`);
    } else {
      notificationTypes = body.notificationTypes as VolueNotificationType[];
    }
  }
  return { webhookUrl, name, webhookSecret, notificationTypes };
}
