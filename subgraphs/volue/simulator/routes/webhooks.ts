import type { Express, Request, Response } from 'express';
import { queryString } from '../../../../shared/simulator/index.js';
import {
  VOLUE_NOTIFICATION_TYPES,
  VOLUE_PATHS,
  type VolueNotificationTypeName,
  type VolueWebhookLogDetail,
  type VolueWebhookLogPage,
  type VolueWebhookRecord,
} from '../../contract.js';
import { apiRoute, StringBodyError, ValidationProblem } from '../http.js';
import type { StoredWebhook } from '../store.js';
import { stamp } from '../time.js';
import { addError, type FieldErrors, optionalString, paginate, requestBody, requiredString, throwIfInvalid } from '../validation.js';
import type { VolueRouteDeps } from './index.js';

/** Webhooks: create, list, read, replace, patch, delete, enable or disable, and the delivery logs. */
export function registerWebhookRoutes(app: Express, deps: VolueRouteDeps): void {
  const { store, now, requireBearer } = deps;
  registerWebhookLogRoutes(app, deps);
  const webhookOf = (req: Request) => store.webhook(String(req.params.webhookId));

  app.get(apiRoute(VOLUE_PATHS.webhooks), requireBearer, (_req, res) => {
    res.json({ webhooks: [...store.webhooks.values()].map(webhookView) });
  });

  app.post(apiRoute(VOLUE_PATHS.webhooks), requireBearer, (req, res) => {
    const errors: FieldErrors = {};
    const fields = webhookFields(requestBody(req, 'problem'), errors, true);
    throwIfInvalid(errors, 'problem');
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
    changeWebhook(webhook, requestBody(req, 'problem'), replace);
    webhook.modifiedDate = stamp(now());
    res.json(webhookView(webhook));
  };
  app.put(apiRoute(VOLUE_PATHS.webhook(':webhookId')), requireBearer, update(true));
  app.patch(apiRoute(VOLUE_PATHS.webhook(':webhookId')), requireBearer, update(false));

  // The spec declares this 404 with a string body.
  app.delete(apiRoute(VOLUE_PATHS.webhook(':webhookId')), requireBearer, (req, res) => {
    if (!store.webhooks.delete(String(req.params.webhookId)))
      throw new StringBodyError(404, `Webhook ${String(req.params.webhookId)} not found`);
    res.status(204).end();
  });

  app.put(apiRoute(VOLUE_PATHS.webhookEnabled(':webhookId')), requireBearer, (req, res) => {
    const webhook = webhookOf(req);
    const enabled = queryString(req, 'enabled');
    if (enabled !== 'true' && enabled !== 'false') throw new ValidationProblem({ enabled: ['enabled must be true or false.'] });
    webhook.enabled = enabled === 'true';
    webhook.modifiedDate = stamp(now());
    res.status(204).end();
  });
}

/** The delivery logs, newest first; registered before `webhooks/:webhookId`, which would take "logs" for an id. */
function registerWebhookLogRoutes(app: Express, { store, requireBearer }: VolueRouteDeps): void {
  app.get(apiRoute(VOLUE_PATHS.webhookLogs), requireBearer, (req, res) => {
    const webhookId = queryString(req, 'webhookId');
    const logs = store.webhookLogs.filter((entry) => webhookId === undefined || entry.log.webhookId === webhookId);
    const { items, pagination } = paginate(req, logs, 'problem');
    res.json({ webhookNotificationLogs: items.map((entry) => entry.log), pagination } satisfies VolueWebhookLogPage);
  });

  // [I] The spec declares no 404 here: an unknown notification is a 400 problem.
  app.get(apiRoute(VOLUE_PATHS.webhookLog(':notificationId')), requireBearer, (req, res) => {
    const entry = store.webhookLogs.find((candidate) => candidate.log.notificationId === req.params.notificationId);
    if (!entry) throw new ValidationProblem({ notificationId: [`No notification ${String(req.params.notificationId)} was sent.`] });
    res.json({ webhookNotificationLog: entry.log, notificationContent: entry.content } satisfies VolueWebhookLogDetail);
  });
}

/** PUT replaces the webhook (a field not sent is cleared); PATCH changes only the fields sent. */
function changeWebhook(webhook: StoredWebhook, body: Record<string, unknown>, replace: boolean): void {
  const errors: FieldErrors = {};
  const fields = webhookFields(body, errors, replace);
  if (body.enabled !== undefined && body.enabled !== null && typeof body.enabled !== 'boolean')
    addError(errors, 'enabled', 'enabled must be true or false.');
  throwIfInvalid(errors, 'problem');
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
  let notificationTypes: VolueNotificationTypeName[] | undefined;
  if (body.notificationTypes !== undefined && body.notificationTypes !== null) {
    if (!Array.isArray(body.notificationTypes) || !body.notificationTypes.every((type) => VOLUE_NOTIFICATION_TYPES.includes(type))) {
      addError(errors, 'notificationTypes', `Each notificationType must be one of ${VOLUE_NOTIFICATION_TYPES.join(', ')}.`);
    } else {
      notificationTypes = body.notificationTypes as VolueNotificationTypeName[];
    }
  }
  return { webhookUrl, name, webhookSecret, notificationTypes };
}
