import { ConnectionType } from '../../../shared/graph/index.js';
import { VolueEvent, VolueNotification } from './events.js';
import { VolueUser } from './registration.js';
import { VolueWebhookDelivery } from './webhooks.js';

/** Volue's entities, inputs and enums as GraphQL types, one file per area. Records from the connector map in here. */
export * from './enums.js';
export * from './events.js';
export * from './inputs.js';
export * from './registration.js';
export * from './webhooks.js';

export const VolueUserConnection = ConnectionType(VolueUser, 'VolueUser');
export const VolueEventConnection = ConnectionType(VolueEvent, 'VolueEvent');
export const VolueNotificationConnection = ConnectionType(VolueNotification, 'VolueNotification');
export const VolueWebhookDeliveryConnection = ConnectionType(VolueWebhookDelivery, 'VolueWebhookDelivery');
