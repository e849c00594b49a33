import { DateTimeScalar } from '../../../shared/time/date-time-scalar.js';
import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import type { VolueNotificationTypeName, VolueReportRecord, VolueWebhookLogRecord, VolueWebhookRecord } from '../contract.js';
import { VolueNotificationType, VolueWebhookStatus } from './enums.js';
import { toDate } from './events.js';

/** Webhooks, their delivery logs, and report receipts. */

@ObjectType('VolueWebhook', { description: 'A URL Volue posts event notifications to, signed with the webhook secret.' })
@Directive('@key(fields: "id")')
export class VolueWebhook {
  @Field(() => ID, { description: 'Volue’s id of the webhook.' })
  id: string;

  @Field(() => String, { description: 'Where Volue posts notifications.' })
  url: string;

  @Field(() => String, { nullable: true, description: 'Your name for the webhook.' })
  name: string | null;

  @Field(() => [VolueNotificationType], { description: 'The notification types sent to it; empty means all types.' })
  notificationTypes: VolueNotificationTypeName[];

  @Field(() => Boolean, { description: 'Whether Volue currently sends notifications to it (setVolueWebhookEnabled).' })
  enabled: boolean;

  @Field(() => VolueWebhookStatus, { nullable: true, description: 'How Volue judges it from recent deliveries.' })
  status: VolueWebhookStatus | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was created (UTC).' })
  createdAt: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was last changed (UTC).' })
  modifiedAt: Date | null;

  static fromRecord(record: VolueWebhookRecord): VolueWebhook {
    return Object.assign(new VolueWebhook(), {
      id: record.webhookId,
      url: record.webhookUrl,
      name: record.name ?? null,
      notificationTypes: record.notificationTypes ?? [],
      enabled: record.enabled ?? true,
      status: (record.status as VolueWebhookStatus | undefined) ?? null,
      createdAt: toDate(record.createdDate),
      modifiedAt: toDate(record.modifiedDate),
    });
  }
}

@ObjectType('VolueWebhookDelivery', {
  description: 'One attempt of Volue to deliver a notification to a webhook, from Volue’s delivery log.',
})
export class VolueWebhookDelivery {
  @Field(() => ID, { nullable: true, description: 'Volue’s id of the notification.' })
  notificationId: string | null;

  @Field(() => ID, { description: 'The webhook it was sent to.' })
  webhookId: string;

  @Field(() => String, { description: 'The URL it was sent to.' })
  url: string;

  @Field(() => ID, { nullable: true, description: 'The event it announced.' })
  eventId: string | null;

  @Field(() => VolueNotificationType, { nullable: true, description: 'What kind of notification it was.' })
  notificationType: VolueNotificationType | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When Volue sent it (UTC).' })
  sentAt: Date | null;

  @Field(() => String, { nullable: true, description: 'The X-Payload-Signature it carried; null when the webhook has no secret.' })
  signature: string | null;

  @Field(() => Int, { nullable: true, description: 'The HTTP status the URL answered; null when it did not answer.' })
  responseStatusCode: number | null;

  @Field(() => Boolean, { description: 'True when the URL did not answer in time.' })
  timedOut: boolean;

  @Field(() => Int, { nullable: true, description: 'How long the request took, in milliseconds.' })
  durationMs: number | null;

  @Field(() => Boolean, { description: 'True when the URL answered with a 2xx status.' })
  delivered: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'The body that was sent (the EventNotification JSON); only when asked by notification id (volueWebhookDelivery).',
  })
  content: string | null;

  static fromRecord(record: VolueWebhookLogRecord, content: string | null = null): VolueWebhookDelivery {
    const status = record.responseStatusCode ?? null;
    return Object.assign(new VolueWebhookDelivery(), {
      notificationId: record.notificationId ?? null,
      webhookId: record.webhookId,
      url: record.webhookUrl,
      eventId: record.partnerEventId ?? null,
      notificationType: (record.notificationType as VolueNotificationType | undefined) ?? null,
      sentAt: toDate(record.notificationSent),
      signature: record.sparkSignature ?? null,
      responseStatusCode: status,
      timedOut: record.requestTimeout ?? false,
      durationMs: record.requestDurationMs ?? null,
      delivered: status !== null && status >= 200 && status < 300,
      content,
    });
  }
}

@ObjectType('VolueWebhookTest', { description: 'The outcome of a test notification sent to a webhook.' })
export class VolueWebhookTest {
  @Field(() => ID, { description: 'The webhook that was tested.' })
  webhookId: string;

  @Field(() => ID, { nullable: true, description: 'Id of the test notification Volue sent; null when its log was not found.' })
  notificationId: string | null;

  @Field(() => Int, { nullable: true, description: 'The HTTP status the webhook URL answered; null when it could not be reached.' })
  responseStatusCode: number | null;

  @Field(() => Boolean, { description: 'True when the webhook URL answered with a 2xx status.' })
  delivered: boolean;
}

@ObjectType('VolueReportReceipt', { description: 'Volue’s acknowledgement of a report it accepted.' })
export class VolueReportReceipt {
  @Field(() => ID, { description: 'Volue’s id of the stored report.' })
  id: string;

  @Field(() => ID, { nullable: true, description: 'The event the report answers, if any.' })
  eventId: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When Volue stored the report (UTC).' })
  createdAt: Date | null;

  static fromRecord(record: VolueReportRecord): VolueReportReceipt {
    return Object.assign(new VolueReportReceipt(), { id: record.id, eventId: record.eventId ?? null, createdAt: toDate(record.createdAt) });
  }
}
