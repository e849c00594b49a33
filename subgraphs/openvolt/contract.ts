/**
 * The Openvolt REST contract (spec v1.0.1 with the live API's deviations, CONTRACT.md): paths, allowed
 * values, page sizes, limits and the JSON shapes of its objects. The connector (client.ts) calls it and
 * the simulator serves it; both take it from here so that they cannot drift apart.
 */

/** Where the API lives under its host (`https://api.openvolt.com/v1`); the simulator serves the same prefix. */
export const OPENVOLT_API_BASE_PATH = '/v1';

/** Paths under the base URL. An id is a path segment: the connector encodes it, the simulator passes `:_id`. */
export const OPENVOLT_PATHS = {
  customers: 'customers',
  customer: (id: string) => `customers/${id}`,
  meters: 'meters',
  meter: (id: string) => `meters/${id}`,
  meterConsent: (id: string) => `meters/${id}/update-consent`,
  consents: 'consents',
  consent: (id: string) => `consents/${id}`,
  consentArchive: (id: string) => `consents/${id}/archive`,
  intervalData: 'interval-data',
  documents: 'documents',
  document: (id: string) => `documents/${id}`,
  documentFile: (id: string) => `documents/${id}/file`,
} as const;

export const OPENVOLT_DATA_SOURCES = ['electralink', 'dcc', 'anexo', 'edsn', 'joulz', 'kenter', 'meetbedrijf', 'solaredge'] as const;
export const OPENVOLT_METER_STATUSES = ['active', 'inactive', 'pending'] as const;
export const OPENVOLT_UPDATE_FREQUENCIES = ['hourly', 'daily', 'weekly', 'monthly'] as const;
export const OPENVOLT_PULL_STATUSES = ['success', 'failure'] as const;
export const OPENVOLT_GRANULARITIES = ['hh', 'day', 'week', 'month', 'year'] as const;
/** The only (and default) order of `GET /meters`. */
export const OPENVOLT_METER_SORT_ORDERS = ['last_data_pull_date'] as const;
export const OPENVOLT_CONSENT_SORT_ORDERS = ['end_date', 'start_date', 'end_date, start_date'] as const;
export const OPENVOLT_CONSENT_TYPES = ['interval'] as const;
/** The only purpose of a document in the spec. */
export const OPENVOLT_DOCUMENT_PURPOSES = ['consent_evidence'] as const;
export const OPENVOLT_METER_TYPES = ['electricity', 'gas'] as const;
/** The Dutch data sources, the only ones that take `provider_info` (the spec's discriminator). */
export const OPENVOLT_PROVIDER_INFO_SOURCES = ['anexo', 'edsn', 'joulz', 'kenter', 'meetbedrijf', 'solaredge'] as const;
/**
 * The `provider_info` fields every Dutch data source takes (BaseNLProviderInfo), and those only one source
 * takes: each source's own schema in the spec (AnexoProviderInfo, EdsnProviderInfo, …).
 */
export const OPENVOLT_PROVIDER_INFO_COMMON_FIELDS = ['postal_code', 'house_number', 'ean', 'meter_type'] as const;
export const OPENVOLT_PROVIDER_INFO_FIELDS = {
  anexo: ['meter_id', 'client_id', 'client_secret'],
  edsn: ['meterNumber'],
  joulz: ['api_key', 'subcode'],
  kenter: ['username', 'password'],
  meetbedrijf: ['api_key'],
  solaredge: ['api_key', 'meter_id'],
} as const satisfies Record<(typeof OPENVOLT_PROVIDER_INFO_SOURCES)[number], readonly string[]>;
/** The `provider_info` fields that are the Dutch provider's credentials: sent to Openvolt, never kept or shown. */
export const OPENVOLT_PROVIDER_INFO_SECRETS = ['client_id', 'client_secret', 'api_key', 'username', 'password'] as const;
/** Inferred: the spec gives a consent no status; archiving is its only change. */
export const OPENVOLT_CONSENT_STATUSES = ['active', 'archived'] as const;
/** The flags of a meter's `validity_state`, each also a boolean filter of `GET /meters`. */
export const OPENVOLT_VALIDITY_FLAGS = ['missing_consent', 'expired_consent', 'is_disabled_by_user', 'has_invalid_meter_number'] as const;

export type OpenvoltDataSource = (typeof OPENVOLT_DATA_SOURCES)[number];
export type OpenvoltMeterStatus = (typeof OPENVOLT_METER_STATUSES)[number];
export type OpenvoltUpdateFrequency = (typeof OPENVOLT_UPDATE_FREQUENCIES)[number];
export type OpenvoltPullStatus = (typeof OPENVOLT_PULL_STATUSES)[number];
export type OpenvoltGranularity = (typeof OPENVOLT_GRANULARITIES)[number];
export type OpenvoltConsentStatus = (typeof OPENVOLT_CONSENT_STATUSES)[number];
export type OpenvoltValidityFlag = (typeof OPENVOLT_VALIDITY_FLAGS)[number];

export type OpenvoltDocumentPurpose = (typeof OPENVOLT_DOCUMENT_PURPOSES)[number];
export type OpenvoltProviderInfoSource = (typeof OPENVOLT_PROVIDER_INFO_SOURCES)[number];

/** The spec's default page size of the list routes. */
export const OPENVOLT_DEFAULT_PAGE_SIZE = 20;
/** Openvolt's largest page (inferred; the spec gives only the default of 20). */
export const OPENVOLT_MAX_PAGE_SIZE = 100;

/** Longest span of one `/interval-data` call (one third-party connector's notes; unverified, CONTRACT.md). */
export const OPENVOLT_MAX_CALL_DAYS = { hh: 62, day: 366 } as const;
/** …and of any call, whatever its granularity. */
export const OPENVOLT_MAX_CALL_YEARS = 5;

// The JSON shapes. Fields the live API may leave out are optional: the connector must do without them.

export interface OpenvoltNote {
  content?: string;
  author?: string;
}

export interface OpenvoltCustomerRecord {
  _id: string;
  object?: 'customer';
  account?: string;
  name: string;
  email: string;
  address?: string;
  metadata?: Record<string, string>;
  logo_url?: string;
  notes?: OpenvoltNote[];
  created_at?: string;
  __v?: number;
}

export type OpenvoltValidityState = Partial<Record<OpenvoltValidityFlag, boolean>>;

export interface OpenvoltMeterRecord {
  _id: string;
  object?: 'meter';
  account?: string;
  meter_number: string;
  customer_id?: string;
  /** GET /meters/{id} embeds the full customer ("Meter response now returns the full customer object"). */
  customer?: OpenvoltCustomerRecord;
  /** The simulator leaves it out rather than null when there is none: the spec types it as a plain string. */
  consent_id?: string | null;
  data_source: OpenvoltDataSource;
  status?: OpenvoltMeterStatus;
  description?: string;
  address?: string;
  update_frequency?: OpenvoltUpdateFrequency;
  metadata?: Record<string, string>;
  notes?: OpenvoltNote[];
  /** Dutch data sources only: postal_code, house_number, ean, meter_type, and the provider's credentials. */
  provider_info?: Record<string, unknown>;
  validity_state?: OpenvoltValidityState;
  last_data_pull_date?: string;
  last_data_pull_status?: OpenvoltPullStatus;
  created_at?: string;
  __v?: number;
}

export interface OpenvoltConsentRecord {
  _id: string;
  object?: 'consent';
  account?: string;
  customer_id: string;
  type: (typeof OPENVOLT_CONSENT_TYPES)[number];
  name?: string;
  start_date: string;
  end_date: string;
  evidence_document_id: string;
  metadata?: Record<string, string>;
  status?: OpenvoltConsentStatus;
  archived_at?: string | null;
  created_at?: string;
  __v?: number;
}

/** A document (spec: Document); `POST /documents` takes it as multipart with its `file`. */
export interface OpenvoltDocumentRecord {
  _id: string;
  object?: 'document';
  account?: string;
  name: string;
  purpose: OpenvoltDocumentPurpose;
  metadata?: Record<string, string>;
  /** Inferred: what the stored file is (its name, media type and size in bytes). */
  file_name?: string;
  content_type?: string;
  size?: number;
  created_at?: string;
  __v?: number;
}

/** What a write may send: the writable fields of each record. */
export type OpenvoltCustomerInput = Partial<Pick<OpenvoltCustomerRecord, 'name' | 'email' | 'address' | 'metadata' | 'logo_url' | 'notes'>>;

export type OpenvoltMeterInput = Partial<
  Pick<
    OpenvoltMeterRecord,
    'meter_number' | 'customer_id' | 'data_source' | 'description' | 'address' | 'update_frequency' | 'metadata' | 'notes' | 'provider_info'
  >
> & { consent_id?: string };

/** A document to upload: its fields and the file's bytes. */
export interface OpenvoltDocumentInput {
  name: string;
  purpose: OpenvoltDocumentPurpose;
  metadata?: Record<string, string>;
  file: { bytes: Uint8Array; fileName: string; contentType: string };
}

export type OpenvoltConsentInput = Pick<
  OpenvoltConsentRecord,
  'customer_id' | 'type' | 'start_date' | 'end_date' | 'evidence_document_id'
> &
  Partial<Pick<OpenvoltConsentRecord, 'name' | 'metadata'>>;

/** The spec's filters of GET /meters. */
export type OpenvoltMeterFilters = Partial<Record<OpenvoltValidityFlag, boolean>> & {
  customer_id?: string;
  meter_number?: string;
  status?: OpenvoltMeterStatus;
  data_source?: OpenvoltDataSource;
  update_frequency?: OpenvoltUpdateFrequency;
  last_data_pull_status?: OpenvoltPullStatus;
  /** A calendar date, YYYY-MM-DD: meters last pulled on that day. */
  last_data_pull_date?: string;
  /** Sent as `metadata[key]=value` (OpenAPI deepObject). */
  metadata?: Record<string, string>;
  sort_by?: (typeof OPENVOLT_METER_SORT_ORDERS)[number];
};

/** The spec's filters of GET /consents. */
export type OpenvoltConsentFilters = {
  customer_id?: string;
  name?: string;
  /** YYYY-MM-DD */
  start_date?: string;
  /** YYYY-MM-DD */
  end_date?: string;
  metadata?: Record<string, string>;
  sort_by?: (typeof OPENVOLT_CONSENT_SORT_ORDERS)[number];
};

/** The spec's filters of GET /customers. */
export type OpenvoltCustomerFilters = {
  email?: string;
  metadata?: Record<string, string>;
};

/** The spec's filters of GET /documents. */
export type OpenvoltDocumentFilters = {
  name?: string;
  purpose?: OpenvoltDocumentPurpose;
  metadata?: Record<string, string>;
};

/**
 * `GET /interval-data` as the live API answers it. The spec differs (snake_case top level, numeric
 * `consumption`, `"kwh"`); the connector parses both.
 */
export interface OpenvoltIntervalDataBody {
  startInterval: string;
  endInterval: string;
  granularity: OpenvoltGranularity;
  data: Array<{
    /** The start of the interval the row covers, UTC with milliseconds. */
    start_interval: string;
    meter_id: string;
    meter_number: string;
    customer_id: string;
    account_id: string;
    consumption: string;
    consumption_units: 'kWh';
  }>;
}

/** The event types of Openvolt's docs ("Event types"). */
export type OpenvoltEventType =
  | 'meter_data.received'
  | 'hosted_consent.approved'
  | 'hosted_consent.revoked'
  | 'api_keys.rotated'
  | 'meter.created'
  | 'customer.created'
  | 'user.created';

/** One webhook delivery (docs: "Webhooks"); only `meter_data.received` has a documented payload. */
export interface OpenvoltWebhookEnvelope {
  subscription_id?: string;
  event_id: string;
  event_timestamp: string;
  delivery_id: string;
  payload: unknown;
}

/** One item of a `meter_data.received` payload: new data for a meter over [start_interval, end_interval). */
export interface OpenvoltMeterDataReceivedItem {
  meter_id: string;
  start_interval: string;
  end_interval: string;
}
