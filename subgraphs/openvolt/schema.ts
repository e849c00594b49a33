import { DateTimeScalar } from '../../shared/time/date-time-scalar.js';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsUrl, Matches, MaxLength, ValidateNested } from 'class-validator';
import { JSONObjectResolver } from 'graphql-scalars';
import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType, IsStringMap, Meter, nationalMeterPointId } from '../../shared/graph/index.js';
import type { ProviderName } from '../../shared/graph/provider-names.js';
import type {
  OpenvoltConsentRecord,
  OpenvoltCustomerRecord,
  OpenvoltDataSource as DataSourceValue,
  OpenvoltDocumentRecord,
  OpenvoltMeterRecord,
  OpenvoltMeterStatus as MeterStatusValue,
  OpenvoltPullStatus as PullStatusValue,
  OpenvoltUpdateFrequency as UpdateFrequencyValue,
} from './contract.js';

/** Openvolt's entities, inputs and enums as GraphQL types. Records from the connector map in here. */

export enum OpenvoltDataSource {
  ELECTRALINK = 'electralink',
  DCC = 'dcc',
  ANEXO = 'anexo',
  EDSN = 'edsn',
  JOULZ = 'joulz',
  KENTER = 'kenter',
  MEETBEDRIJF = 'meetbedrijf',
  SOLAREDGE = 'solaredge',
}
registerEnumType(OpenvoltDataSource, {
  name: 'OpenvoltDataSource',
  description: 'The central data source Openvolt pulls a meter’s readings from.',
  valuesConfig: {
    ELECTRALINK: { description: 'ElectraLink, the GB half-hourly settlement data flow.' },
    DCC: { description: 'The GB Data Communications Company (smart meters).' },
    ANEXO: { description: 'Anexo (Netherlands).' },
    EDSN: { description: 'EDSN, the Dutch energy data services hub.' },
    JOULZ: { description: 'Joulz (Netherlands).' },
    KENTER: { description: 'Kenter (Netherlands).' },
    MEETBEDRIJF: { description: 'Het Meetbedrijf (Netherlands).' },
    SOLAREDGE: { description: 'SolarEdge inverter monitoring.' },
  },
});

export enum OpenvoltMeterStatus {
  ACTIVE = 'active',
  INACTIVE = 'inactive',
  PENDING = 'pending',
}
registerEnumType(OpenvoltMeterStatus, {
  name: 'OpenvoltMeterStatus',
  description: 'Whether Openvolt is pulling data for a meter.',
  valuesConfig: {
    ACTIVE: { description: 'Data is being pulled (the meter has a valid consent).' },
    INACTIVE: { description: 'No data is pulled, typically because the meter has no consent.' },
    PENDING: { description: 'Openvolt is still setting the meter up.' },
  },
});

export enum OpenvoltUpdateFrequency {
  HOURLY = 'hourly',
  DAILY = 'daily',
  WEEKLY = 'weekly',
  MONTHLY = 'monthly',
}
registerEnumType(OpenvoltUpdateFrequency, {
  name: 'OpenvoltUpdateFrequency',
  description: 'How often Openvolt refreshes a meter’s data from its source.',
  valuesConfig: {
    HOURLY: { description: 'Every hour.' },
    DAILY: { description: 'Every day.' },
    WEEKLY: { description: 'Every week.' },
    MONTHLY: { description: 'Every month.' },
  },
});

export enum OpenvoltPullStatus {
  SUCCESS = 'success',
  FAILURE = 'failure',
}
registerEnumType(OpenvoltPullStatus, {
  name: 'OpenvoltPullStatus',
  description: 'How Openvolt’s last pull of a meter’s data went.',
  valuesConfig: { SUCCESS: { description: 'The pull succeeded.' }, FAILURE: { description: 'The pull failed.' } },
});

export enum OpenvoltMeterType {
  ELECTRICITY = 'electricity',
  GAS = 'gas',
}
registerEnumType(OpenvoltMeterType, {
  name: 'OpenvoltMeterType',
  description: 'What a Dutch connection meters.',
  valuesConfig: { ELECTRICITY: { description: 'An electricity connection.' }, GAS: { description: 'A gas connection.' } },
});

export enum OpenvoltConsentOrder {
  START_DATE = 'start_date',
  END_DATE = 'end_date',
}
registerEnumType(OpenvoltConsentOrder, {
  name: 'OpenvoltConsentOrder',
  description: 'How Openvolt sorts consents (ascending).',
  valuesConfig: { START_DATE: { description: 'By first day covered.' }, END_DATE: { description: 'By last day covered.' } },
});

export enum OpenvoltDocumentPurpose {
  CONSENT_EVIDENCE = 'consent_evidence',
}
registerEnumType(OpenvoltDocumentPurpose, {
  name: 'OpenvoltDocumentPurpose',
  description: 'What a document is for.',
  valuesConfig: { CONSENT_EVIDENCE: { description: 'Evidence of a consent, e.g. a signed letter of authority.' } },
});

@ObjectType('OpenvoltNote', { description: 'A free-text note attached to an Openvolt customer or meter.' })
export class OpenvoltNote {
  @Field(() => String, { nullable: true, description: 'The text of the note.' })
  content: string | null;

  @Field(() => String, { nullable: true, description: 'Who wrote the note.' })
  author: string | null;
}

@InputType('OpenvoltNoteInput', { description: 'A note to attach.' })
export class OpenvoltNoteInput {
  @Field(() => String, { description: 'The text of the note.' })
  @IsNotEmpty()
  @MaxLength(5000)
  content: string;

  @Field(() => String, { nullable: true, description: 'Who wrote the note.' })
  @IsOptional()
  @MaxLength(200)
  author?: string;
}

@ObjectType('OpenvoltCustomer', {
  description: 'A party on whose behalf Openvolt pulls meter data (a building owner, a tenant, an asset manager, …).',
})
@Directive('@key(fields: "id")')
export class OpenvoltCustomer {
  @Field(() => ID, { description: 'Openvolt’s id of the customer (24 hex characters).' })
  id: string;

  @Field(() => String, { description: 'The customer’s name.' })
  name: string;

  @Field(() => String, { description: 'The customer’s email address; unique across the account.' })
  email: string;

  @Field(() => String, { nullable: true, description: 'Postal address, as free text.' })
  address: string | null;

  @Field(() => String, { nullable: true, description: 'URL of the customer’s logo.' })
  logoUrl: string | null;

  @Field(() => JSONObjectResolver, { nullable: true, description: 'Your own key–value pairs (string values) stored with the customer.' })
  metadata: Record<string, string> | null;

  @Field(() => [OpenvoltNote], { description: 'Notes attached to the customer.' })
  notes: OpenvoltNote[];

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the customer was created in Openvolt (UTC).' })
  createdAt: Date | null;

  static fromRecord(record: OpenvoltCustomerRecord): OpenvoltCustomer {
    return Object.assign(new OpenvoltCustomer(), {
      id: record._id,
      name: record.name,
      email: record.email,
      address: record.address ?? null,
      logoUrl: record.logo_url ?? null,
      metadata: record.metadata ?? null,
      notes: (record.notes ?? []).map(toNote),
      createdAt: toDate(record.created_at),
    });
  }
}

@ObjectType('OpenvoltValidity', { description: 'Why Openvolt may be unable to pull a meter’s data.' })
export class OpenvoltValidity {
  @Field(() => Boolean, { description: 'The meter has no consent.' })
  missingConsent: boolean;

  @Field(() => Boolean, { description: 'The meter’s consent has expired.' })
  expiredConsent: boolean;

  @Field(() => Boolean, { description: 'A user disabled the meter.' })
  disabledByUser: boolean;

  @Field(() => Boolean, { description: 'The meter number was found to be invalid.' })
  invalidMeterNumber: boolean;
}

@ObjectType('OpenvoltProviderInfo', {
  description: 'What Openvolt needs to reach a Dutch connection through its data source. The data source’s credentials are never shown.',
})
export class OpenvoltProviderInfo {
  @Field(() => String, { nullable: true, description: 'Postal code of the connection, e.g. 1234AB.' })
  postalCode: string | null;

  @Field(() => String, { nullable: true, description: 'House number of the connection.' })
  houseNumber: string | null;

  @Field(() => String, { nullable: true, description: 'EAN of the connection (18 digits).' })
  ean: string | null;

  @Field(() => OpenvoltMeterType, { nullable: true, description: 'Electricity or gas.' })
  meterType: OpenvoltMeterType | null;

  @Field(() => String, { nullable: true, description: 'EDSN’s meter number (edsn only).' })
  edsnMeterNumber: string | null;

  @Field(() => String, { nullable: true, description: 'The data source’s own meter id (anexo, solaredge).' })
  sourceMeterId: string | null;

  @Field(() => String, { nullable: true, description: 'Joulz’s subcode of the meter (joulz only).' })
  subcode: string | null;

  static fromRecord(info: Record<string, unknown>): OpenvoltProviderInfo {
    const text = (key: string) => (typeof info[key] === 'string' ? (info[key] as string) : null);
    return Object.assign(new OpenvoltProviderInfo(), {
      postalCode: text('postal_code'),
      houseNumber: text('house_number'),
      ean: text('ean'),
      meterType: text('meter_type') as OpenvoltMeterType | null,
      edsnMeterNumber: text('meterNumber'),
      sourceMeterId: text('meter_id'),
      subcode: text('subcode'),
    });
  }
}

@InputType('OpenvoltProviderInfoInput', {
  description:
    'What Openvolt needs to reach a Dutch connection (dataSource anexo, edsn, joulz, kenter, meetbedrijf or solaredge). Each field says which data sources take it; the credentials go to Openvolt and are never stored or shown by Gridgraph.',
})
export class OpenvoltProviderInfoInput {
  @Field(() => String, {
    nullable: true,
    description: 'Postal code of the connection, four digits and two capitals: 1234AB (every Dutch source).',
  })
  @IsOptional()
  @Matches(/^\d{4}[A-Z]{2}$/, { message: 'providerInfo.postalCode must be four digits and two capitals, such as 1234AB' })
  postalCode?: string;

  @Field(() => String, { nullable: true, description: 'House number of the connection (every Dutch source).' })
  @IsOptional()
  @MaxLength(20)
  houseNumber?: string;

  @Field(() => String, { nullable: true, description: 'EAN of the connection, 18 digits (every Dutch source).' })
  @IsOptional()
  @Matches(/^\d{18}$/, { message: 'providerInfo.ean must be 18 digits' })
  ean?: string;

  @Field(() => OpenvoltMeterType, { nullable: true, description: 'Electricity or gas (every Dutch source).' })
  @IsOptional()
  meterType?: OpenvoltMeterType;

  @Field(() => String, { nullable: true, description: 'EDSN’s meter number, e.g. E0011223344556677 (edsn).' })
  @IsOptional()
  @MaxLength(64)
  edsnMeterNumber?: string;

  @Field(() => String, { nullable: true, description: 'The data source’s meter id (anexo, solaredge).' })
  @IsOptional()
  @MaxLength(64)
  sourceMeterId?: string;

  @Field(() => String, { nullable: true, description: 'Joulz’s subcode of the meter (joulz).' })
  @IsOptional()
  @MaxLength(64)
  subcode?: string;

  @Field(() => String, { nullable: true, description: 'OAuth client id at the data source (anexo). A credential.' })
  @IsOptional()
  @MaxLength(200)
  clientId?: string;

  @Field(() => String, { nullable: true, description: 'OAuth client secret at the data source (anexo). A credential.' })
  @IsOptional()
  @MaxLength(200)
  clientSecret?: string;

  @Field(() => String, {
    nullable: true,
    description: 'API key of the account at the data source (joulz, meetbedrijf, solaredge). A credential.',
  })
  @IsOptional()
  @MaxLength(200)
  apiKey?: string;

  @Field(() => String, { nullable: true, description: 'User name of the Kenter account (kenter). A credential.' })
  @IsOptional()
  @MaxLength(200)
  username?: string;

  @Field(() => String, { nullable: true, description: 'Password of the Kenter account (kenter). A credential.' })
  @IsOptional()
  @MaxLength(200)
  password?: string;
}

/** Each OpenvoltProviderInfoInput field and the `provider_info` field it is on the wire. */
export const PROVIDER_INFO_WIRE_NAMES = {
  postalCode: 'postal_code',
  houseNumber: 'house_number',
  ean: 'ean',
  meterType: 'meter_type',
  edsnMeterNumber: 'meterNumber',
  sourceMeterId: 'meter_id',
  subcode: 'subcode',
  clientId: 'client_id',
  clientSecret: 'client_secret',
  apiKey: 'api_key',
  username: 'username',
  password: 'password',
} as const satisfies Record<keyof OpenvoltProviderInfoInput, string>;

@ObjectType('OpenvoltMeter', {
  implements: Meter,
  description:
    'A meter as Openvolt knows it: one meter number (MPAN) on behalf of one customer. The same MPAN under two customers is two OpenvoltMeters. Readings are half-hourly kWh.',
})
@Directive('@key(fields: "id")')
export class OpenvoltMeter extends Meter {
  @Field(() => String, { description: 'The meter number: the 13-digit MPAN core in Great Britain.' })
  meterNumber: string;

  @Field(() => ID, { description: 'Id of the customer this meter is registered for.' })
  customerId: string;

  @Field(() => String, { nullable: true, description: 'Free-text description of the meter.' })
  description: string | null;

  @Field(() => String, { nullable: true, description: 'Postal address of the meter, as free text.' })
  address: string | null;

  @Field(() => OpenvoltDataSource, { description: 'Where Openvolt pulls this meter’s readings from.' })
  dataSource: DataSourceValue;

  @Field(() => OpenvoltMeterStatus, { nullable: true, description: 'Whether Openvolt is pulling data for this meter.' })
  status: MeterStatusValue | null;

  @Field(() => OpenvoltUpdateFrequency, { nullable: true, description: 'How often Openvolt refreshes this meter’s data.' })
  updateFrequency: UpdateFrequencyValue | null;

  @Field(() => ID, { nullable: true, description: 'Id of the consent that lets Openvolt pull this meter’s data, if any.' })
  consentId: string | null;

  @Field(() => OpenvoltValidity, { nullable: true, description: 'Problems that stop data being pulled, when Openvolt reports them.' })
  validity: OpenvoltValidity | null;

  @Field(() => JSONObjectResolver, { nullable: true, description: 'Your own key–value pairs (string values) stored with the meter.' })
  metadata: Record<string, string> | null;

  @Field(() => [OpenvoltNote], { description: 'Notes attached to the meter.' })
  notes: OpenvoltNote[];

  @Field(() => OpenvoltProviderInfo, {
    nullable: true,
    description: 'How Openvolt reaches a Dutch connection; null for other data sources.',
  })
  providerInfo: OpenvoltProviderInfo | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When Openvolt last pulled this meter’s data (UTC); null before the first pull.',
  })
  lastDataPullDate: Date | null;

  @Field(() => OpenvoltPullStatus, { nullable: true, description: 'How Openvolt’s last pull of this meter’s data went.' })
  lastDataPullStatus: PullStatusValue | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the meter was registered in Openvolt (UTC).' })
  createdAt: Date | null;

  /** The embedded customer, when the provider sent it (saves a customer call). */
  embeddedCustomer: OpenvoltCustomerRecord | null;

  static fromRecord(record: OpenvoltMeterRecord): OpenvoltMeter {
    const provider: ProviderName = 'OPENVOLT';
    const validity = record.validity_state;
    return Object.assign(new OpenvoltMeter(), {
      id: record._id,
      provider,
      // What Openvolt records; the `meterPointId` field fills a gap from the metering-point mapping.
      meterPointId: recordedMeterPointId(record),
      name: record.description ?? null,
      meterNumber: record.meter_number,
      customerId: record.customer_id ?? record.customer?._id ?? '',
      description: record.description ?? null,
      address: record.address ?? null,
      dataSource: record.data_source,
      status: record.status ?? null,
      updateFrequency: record.update_frequency ?? null,
      consentId: record.consent_id ?? null,
      validity: validity
        ? Object.assign(new OpenvoltValidity(), {
            missingConsent: validity.missing_consent ?? false,
            expiredConsent: validity.expired_consent ?? false,
            disabledByUser: validity.is_disabled_by_user ?? false,
            invalidMeterNumber: validity.has_invalid_meter_number ?? false,
          })
        : null,
      metadata: record.metadata ?? null,
      notes: (record.notes ?? []).map(toNote),
      providerInfo: record.provider_info ? OpenvoltProviderInfo.fromRecord(record.provider_info) : null,
      lastDataPullDate: toDate(record.last_data_pull_date),
      lastDataPullStatus: record.last_data_pull_status ?? null,
      createdAt: toDate(record.created_at),
      embeddedCustomer: record.customer ?? null,
    });
  }
}

/**
 * The metering point Openvolt records for a meter: its meter number is the connection's MPAN (UK sources)
 * or EAN (Dutch ones); a SolarEdge meter number is an inverter site, not a metering point (null).
 */
export function recordedMeterPointId(record: Pick<OpenvoltMeterRecord, 'data_source' | 'meter_number'>): string | null {
  return record.data_source === 'solaredge' ? null : nationalMeterPointId(record.meter_number);
}

@ObjectType('OpenvoltConsent', {
  description: 'A customer’s consent (letter of authority) that lets Openvolt pull interval data for its meters.',
})
@Directive('@key(fields: "id")')
export class OpenvoltConsent {
  @Field(() => ID, { description: 'Openvolt’s id of the consent.' })
  id: string;

  @Field(() => ID, { description: 'Id of the customer who gave the consent.' })
  customerId: string;

  @Field(() => String, { description: 'Kind of consent; Openvolt knows only "interval" (interval data).' })
  type: string;

  @Field(() => String, { nullable: true, description: 'Name of the consent.' })
  name: string | null;

  @Field(() => String, { description: 'First day the consent covers, YYYY-MM-DD (inclusive).' })
  startDate: string;

  @Field(() => String, { description: 'Last day the consent covers, YYYY-MM-DD (inclusive).' })
  endDate: string;

  @Field(() => ID, { description: 'Id of the Openvolt document holding the evidence (e.g. a signed letter of authority).' })
  evidenceDocumentId: string;

  @Field(() => String, { nullable: true, description: 'Whether the consent is "active" or "archived".' })
  status: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the consent was archived (UTC); null while active.' })
  archivedAt: Date | null;

  @Field(() => JSONObjectResolver, { nullable: true, description: 'Your own key–value pairs (string values) stored with the consent.' })
  metadata: Record<string, string> | null;

  static fromRecord(record: OpenvoltConsentRecord): OpenvoltConsent {
    return Object.assign(new OpenvoltConsent(), {
      id: record._id,
      customerId: record.customer_id,
      type: record.type,
      name: record.name ?? null,
      startDate: record.start_date,
      endDate: record.end_date,
      evidenceDocumentId: record.evidence_document_id,
      status: record.status ?? null,
      archivedAt: toDate(record.archived_at ?? undefined),
      metadata: record.metadata ?? null,
    });
  }
}

@ObjectType('OpenvoltDocument', { description: 'A document stored at Openvolt, such as the evidence of a consent.' })
export class OpenvoltDocument {
  @Field(() => ID, { description: 'Openvolt’s id of the document: what a consent’s evidenceDocumentId names.' })
  id: string;

  @Field(() => String, { description: 'Name of the document.' })
  name: string;

  @Field(() => OpenvoltDocumentPurpose, { description: 'What the document is for.' })
  purpose: OpenvoltDocumentPurpose;

  @Field(() => String, { nullable: true, description: 'Name of the uploaded file, when Openvolt reports it.' })
  fileName: string | null;

  @Field(() => String, { nullable: true, description: 'Media type of the uploaded file, when Openvolt reports it.' })
  contentType: string | null;

  @Field(() => Int, { nullable: true, description: 'Size of the uploaded file in bytes, when Openvolt reports it.' })
  size: number | null;

  @Field(() => JSONObjectResolver, { nullable: true, description: 'Your own key–value pairs (string values) stored with the document.' })
  metadata: Record<string, string> | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the document was uploaded (UTC).' })
  createdAt: Date | null;

  static fromRecord(record: OpenvoltDocumentRecord): OpenvoltDocument {
    return Object.assign(new OpenvoltDocument(), {
      id: record._id,
      name: record.name,
      purpose: record.purpose as OpenvoltDocumentPurpose,
      fileName: record.file_name ?? null,
      contentType: record.content_type ?? null,
      size: record.size ?? null,
      metadata: record.metadata ?? null,
      createdAt: toDate(record.created_at),
    });
  }
}

@ObjectType('OpenvoltEvent', {
  description: 'A webhook delivery received from Openvolt (newest first when listed). Kept in this server’s memory.',
})
export class OpenvoltEvent {
  @Field(() => ID, { description: 'Openvolt’s delivery id; a redelivery with the same id is recorded once.' })
  id: string;

  @Field(() => String, { description: 'Event type, e.g. "meter_data.received", "meter.created", "customer.created".' })
  type: string;

  @Field(() => String, { nullable: true, description: 'Id of the Openvolt event subscription that sent it.' })
  subscriptionId: string | null;

  @Field(() => DateTimeScalar, { description: 'When Openvolt says the event happened (UTC).' })
  occurredAt: Date;

  @Field(() => DateTimeScalar, { description: 'When this server received the delivery (UTC).' })
  receivedAt: Date;

  @Field(() => [ID], { description: 'Ids of the Openvolt meters the event concerns (empty when none).' })
  meterIds: string[];

  @Field(() => JSONObjectResolver, {
    description: 'The delivery exactly as received: subscription_id, event_id, event_timestamp, delivery_id, payload.',
  })
  envelope: Record<string, unknown>;
}

export const OpenvoltCustomerConnection = ConnectionType(OpenvoltCustomer, 'OpenvoltCustomer');
export const OpenvoltMeterConnection = ConnectionType(OpenvoltMeter, 'OpenvoltMeter');
export const OpenvoltConsentConnection = ConnectionType(OpenvoltConsent, 'OpenvoltConsent');
export const OpenvoltEventConnection = ConnectionType(OpenvoltEvent, 'OpenvoltEvent');
export const OpenvoltDocumentConnection = ConnectionType(OpenvoltDocument, 'OpenvoltDocument');

// Inputs. Validation runs before any upstream call (shared/subgraph/federation.ts), so bad input costs no call.

const METADATA_DESCRIPTION = 'Your own key–value pairs; every value must be a string.';

@InputType('CreateOpenvoltCustomerInput', { description: 'A new Openvolt customer.' })
export class CreateOpenvoltCustomerInput {
  @Field(() => String, { description: 'The customer’s name.' })
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(200)
  name: string;

  @Field(() => String, { description: 'The customer’s email address; must be unique across the account.' })
  @IsEmail({}, { message: 'email must be an email address such as facilities@example.com' })
  email: string;

  @Field(() => String, { nullable: true, description: 'Postal address, as free text.' })
  @IsOptional()
  @MaxLength(500)
  address?: string;

  @Field(() => String, { nullable: true, description: 'URL of the customer’s logo (http or https).' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'logoUrl must be an http(s) URL' })
  logoUrl?: string;

  @Field(() => JSONObjectResolver, { nullable: true, description: METADATA_DESCRIPTION })
  @IsOptional()
  @IsStringMap()
  metadata?: Record<string, string>;

  @Field(() => [OpenvoltNoteInput], { nullable: true, description: 'Notes to attach.' })
  @IsOptional()
  @ValidateNested({ each: true })
  notes?: OpenvoltNoteInput[];
}

@InputType('UpdateOpenvoltCustomerInput', { description: 'Changes to an Openvolt customer; omitted fields stay as they are.' })
export class UpdateOpenvoltCustomerInput {
  @Field(() => String, { nullable: true, description: 'New name.' })
  @IsOptional()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(200)
  name?: string;

  @Field(() => String, { nullable: true, description: 'New email address; must be unique across the account.' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address such as facilities@example.com' })
  email?: string;

  @Field(() => String, { nullable: true, description: 'New postal address.' })
  @IsOptional()
  @MaxLength(500)
  address?: string;

  @Field(() => String, { nullable: true, description: 'New logo URL (http or https).' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'logoUrl must be an http(s) URL' })
  logoUrl?: string;

  @Field(() => JSONObjectResolver, { nullable: true, description: `${METADATA_DESCRIPTION} Replaces the stored metadata.` })
  @IsOptional()
  @IsStringMap()
  metadata?: Record<string, string>;

  @Field(() => [OpenvoltNoteInput], { nullable: true, description: 'Replaces the stored notes.' })
  @IsOptional()
  @ValidateNested({ each: true })
  notes?: OpenvoltNoteInput[];
}

@InputType('RegisterOpenvoltMeterInput', { description: 'A meter to register with Openvolt for a customer.' })
export class RegisterOpenvoltMeterInput {
  @Field(() => ID, { description: 'Id of the customer the meter is registered for.' })
  @Matches(/^[0-9a-f]{24}$/i, { message: 'customerId must be an Openvolt id (24 hex characters)' })
  customerId: string;

  @Field(() => String, { description: 'The meter number (MPAN core in Great Britain). Unique per customer.' })
  @Matches(/\S/, { message: 'meterNumber must not be empty' })
  @MaxLength(64)
  meterNumber: string;

  @Field(() => OpenvoltDataSource, { description: 'Where Openvolt should pull the readings from.' })
  @IsIn(Object.values(OpenvoltDataSource), { message: 'dataSource must be one of the OpenvoltDataSource values' })
  dataSource: DataSourceValue;

  @Field(() => ID, { nullable: true, description: 'Consent that lets Openvolt pull the data; without one the meter is inactive.' })
  @IsOptional()
  @Matches(/^[0-9a-f]{24}$/i, { message: 'consentId must be an Openvolt id (24 hex characters)' })
  consentId?: string;

  @Field(() => String, { nullable: true, description: 'Free-text description of the meter.' })
  @IsOptional()
  @MaxLength(500)
  description?: string;

  @Field(() => String, { nullable: true, description: 'Postal address of the meter.' })
  @IsOptional()
  @MaxLength(500)
  address?: string;

  @Field(() => OpenvoltUpdateFrequency, { nullable: true, description: 'How often Openvolt should refresh the data.' })
  @IsOptional()
  updateFrequency?: UpdateFrequencyValue;

  @Field(() => JSONObjectResolver, { nullable: true, description: METADATA_DESCRIPTION })
  @IsOptional()
  @IsStringMap()
  metadata?: Record<string, string>;

  @Field(() => [OpenvoltNoteInput], { nullable: true, description: 'Notes to attach.' })
  @IsOptional()
  @ValidateNested({ each: true })
  notes?: OpenvoltNoteInput[];

  @Field(() => OpenvoltProviderInfoInput, {
    nullable: true,
    description:
      'How Openvolt reaches a Dutch connection; only with a Dutch dataSource (anexo, edsn, joulz, kenter, meetbedrijf, solaredge).',
  })
  @IsOptional()
  @ValidateNested()
  providerInfo?: OpenvoltProviderInfoInput;
}

@InputType('UpdateOpenvoltMeterInput', { description: 'Changes to an Openvolt meter; omitted fields stay as they are.' })
export class UpdateOpenvoltMeterInput {
  @Field(() => String, { nullable: true, description: 'New description.' })
  @IsOptional()
  @MaxLength(500)
  description?: string;

  @Field(() => String, { nullable: true, description: 'New postal address.' })
  @IsOptional()
  @MaxLength(500)
  address?: string;

  @Field(() => OpenvoltDataSource, { nullable: true, description: 'New data source.' })
  @IsOptional()
  @IsIn(Object.values(OpenvoltDataSource), { message: 'dataSource must be one of the OpenvoltDataSource values' })
  dataSource?: DataSourceValue;

  @Field(() => OpenvoltUpdateFrequency, { nullable: true, description: 'New refresh frequency.' })
  @IsOptional()
  updateFrequency?: UpdateFrequencyValue;

  @Field(() => JSONObjectResolver, { nullable: true, description: `${METADATA_DESCRIPTION} Replaces the stored metadata.` })
  @IsOptional()
  @IsStringMap()
  metadata?: Record<string, string>;

  @Field(() => [OpenvoltNoteInput], { nullable: true, description: 'Replaces the stored notes.' })
  @IsOptional()
  @ValidateNested({ each: true })
  notes?: OpenvoltNoteInput[];

  @Field(() => OpenvoltProviderInfoInput, {
    nullable: true,
    description:
      'Replaces how Openvolt reaches a Dutch connection; only for a Dutch data source (anexo, edsn, joulz, kenter, meetbedrijf, solaredge): the dataSource given here, else the meter’s own (read first, one call).',
  })
  @IsOptional()
  @ValidateNested()
  providerInfo?: OpenvoltProviderInfoInput;
}

@InputType('CreateOpenvoltConsentInput', { description: 'A customer’s consent for Openvolt to pull interval data.' })
export class CreateOpenvoltConsentInput {
  @Field(() => ID, { description: 'Id of the customer giving consent.' })
  @Matches(/^[0-9a-f]{24}$/i, { message: 'customerId must be an Openvolt id (24 hex characters)' })
  customerId: string;

  @Field(() => String, { nullable: true, description: 'Name of the consent.' })
  @IsOptional()
  @MaxLength(200)
  name?: string;

  @Field(() => String, { description: 'First day covered, YYYY-MM-DD (inclusive).' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'startDate must be a date as YYYY-MM-DD' })
  startDate: string;

  @Field(() => String, { description: 'Last day covered, YYYY-MM-DD (inclusive); not before startDate.' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'endDate must be a date as YYYY-MM-DD' })
  endDate: string;

  @Field(() => ID, {
    description: 'Id of the Openvolt document holding the evidence (a signed letter of authority), as uploadOpenvoltDocument returns it.',
  })
  @Matches(/^[0-9a-f]{24}$/i, { message: 'evidenceDocumentId must be an Openvolt document id (24 hex characters)' })
  evidenceDocumentId: string;

  @Field(() => JSONObjectResolver, { nullable: true, description: METADATA_DESCRIPTION })
  @IsOptional()
  @IsStringMap()
  metadata?: Record<string, string>;
}

@InputType('UploadOpenvoltDocumentInput', { description: 'A document to store at Openvolt, such as a signed letter of authority.' })
export class UploadOpenvoltDocumentInput {
  @Field(() => String, { description: 'Name of the document.' })
  @Matches(/\S/, { message: 'name must not be empty' })
  @MaxLength(200)
  name: string;

  @Field(() => String, {
    description: 'The file’s bytes, base64-encoded; at most OPENVOLT_DOCUMENT_MAX_BYTES once decoded (default 512 KiB).',
  })
  @Matches(/^[A-Za-z0-9+/]+={0,2}$/, { message: 'contentBase64 must be base64 (A–Z, a–z, 0–9, +, / and = padding)' })
  contentBase64: string;

  @Field(() => String, { nullable: true, description: 'Name of the file as uploaded; default the document’s name.' })
  @IsOptional()
  @Matches(/^[^\\/\r\n"]+$/, { message: 'fileName must be a plain file name' })
  @MaxLength(200)
  fileName?: string;

  @Field(() => String, { defaultValue: 'application/pdf', description: 'Media type of the file.' })
  @Matches(/^[\w.+-]+\/[\w.+-]+$/, { message: 'contentType must be a media type such as application/pdf' })
  contentType: string;

  @Field(() => OpenvoltDocumentPurpose, {
    defaultValue: OpenvoltDocumentPurpose.CONSENT_EVIDENCE,
    description: 'What the document is for.',
  })
  purpose: OpenvoltDocumentPurpose;

  @Field(() => JSONObjectResolver, { nullable: true, description: METADATA_DESCRIPTION })
  @IsOptional()
  @IsStringMap()
  metadata?: Record<string, string>;
}

function toNote(note: { content?: string; author?: string }): OpenvoltNote {
  return Object.assign(new OpenvoltNote(), { content: note.content ?? null, author: note.author ?? null });
}

function toDate(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
