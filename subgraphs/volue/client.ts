import { isDeepStrictEqual } from 'node:util';
import { GridgraphError, UpstreamRejectedError, UpstreamUnavailableError } from '../../shared/graph/errors.js';
import { createHttpClient, type HttpClient, type UpstreamCallSettings } from '../../shared/connector/http-client.js';
import { bearerAuth, createCredentialCache, credentialKey, type CredentialCache } from '../../shared/connector/upstream-auth.js';
import type { Store } from '../../shared/store/index.js';

/**
 * The Volue Energy Coordination connector: OAuth2 client credentials (token cached, renewed before it
 * expires, renewed once more after a 401, one token request for any number of concurrent calls), the
 * seed's registration routes with idempotent registration, and the current partner API's events,
 * webhooks and reports. Records keep Volue's field names; the GraphQL layer maps them.
 */

export interface VolueAddress {
  street?: string;
  city?: string;
  zipCode?: string;
}

export interface VolueCoordinates {
  latitude: number;
  longitude: number;
}

export type VolueLocationType = 'Unknown' | 'Residential' | 'Commercial' | 'Other';

export interface VolueMeterInput {
  address?: VolueAddress;
  location?: VolueCoordinates;
  meterPointId: string;
  meterNumber?: string;
  locationType?: VolueLocationType;
}

export interface VolueMeterRecord extends VolueMeterInput {
  meterId: string;
  userId?: string;
  location?: VolueCoordinates | undefined;
}

export interface VolueVehicleMetadata {
  resourceType: 'Vehicle';
  brand?: string;
  model?: string;
  year?: number;
  vin?: string;
}

export interface VolueVehicleRecord {
  id?: string;
  userId?: string;
  vehicleId: string;
  metadata: VolueVehicleMetadata;
}

export interface VolueResourceMetadata {
  resourceType: string;
  [field: string]: unknown;
}

export interface VolueResourceRecord {
  id?: string;
  userId?: string;
  resourceId: string;
  metadata: VolueResourceMetadata;
}

export interface VoluePagination {
  totalRecords: number;
  pageSize: number;
  currentPage: number;
  totalPages?: number;
  nextPage?: number | null;
  previousPage?: number | null;
}

export interface VolueEventRecord {
  id: string;
  createdAt?: string;
  payload?: { payloadType?: string; [field: string]: unknown };
}

export type VolueNotificationType =
  | 'Unknown'
  | 'PriceCurveCreated'
  | 'UserEligibilityUpdated'
  | 'LocationLPCRequested'
  | 'ResourceLPCRequested'
  | 'LPCReservationCreated';

export interface VolueWebhookRecord {
  webhookId: string;
  webhookUrl: string;
  name?: string | null;
  notificationTypes?: VolueNotificationType[];
  enabled?: boolean;
  status?: 'New' | 'Healthy' | 'Unhealthy' | 'TimeOut';
  createdDate?: string;
  modifiedDate?: string;
  lastAnalyzedTimestamp?: string;
}

export interface VolueWebhookInput {
  webhookUrl?: string;
  name?: string | null;
  webhookSecret?: string | null;
  notificationTypes?: VolueNotificationType[];
  enabled?: boolean;
}

export interface VolueWebhookTestRecord {
  webhookId: string;
  notificationId?: string;
  eventId?: string;
  responseStatusCode?: number | null;
}

export interface VolueEnergyPoint {
  /** UTC, at the start of the hour the energy was used in. */
  timestamp: string;
  kiloWattHours: number;
}

export type VolueReportPayload =
  | {
      payloadType: 'EnergyUsage';
      resourceId: string;
      locationId?: string;
      meterPointId?: string;
      points: VolueEnergyPoint[];
      resolution: '01:00:00';
    }
  | { payloadType: 'LocationEnergyUsage'; locationId: string; meterPointId: string; points: VolueEnergyPoint[]; resolution: '01:00:00' };

export interface VolueReportRecord {
  id: string;
  eventId?: string | null;
  createdAt?: string;
}

export interface VolueClientOptions {
  /** Timeouts, concurrency, retries and breaker of the calls to the provider (`<PROVIDER>_*` settings). */
  calls: UpstreamCallSettings;
  /** Shares the credential with other replicas through this store (README \"Scale-out\"). */
  store?: Store;
  /** API base, e.g. https://api.sandbox.voluespark.com/energy-coordination/v1 */
  baseUrl: string;
  /** The identity server's token endpoint, e.g. https://auth.identity.volue.com/connect/token */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Renew the token this long before it expires (default 60 s). */
  refreshMarginMs?: number;
  /** The clock the token cache uses (tests). */
  now?: () => number;
}

/** Volue's largest page (partner OpenAPI: "Maximum pageSize is 1000"). */
export const VOLUE_MAX_PAGE_SIZE = 1000;

export class VolueClient {
  private readonly http: HttpClient;
  private readonly identity: HttpClient;
  readonly tokens: CredentialCache<string>;

  constructor(private readonly options: VolueClientOptions) {
    const secrets = [options.clientSecret];
    this.identity = createHttpClient({
      provider: 'VOLUE',
      baseUrl: options.tokenUrl,
      ...options.calls,
      // A token request is a POST: never retried.
      retries: 0,
      secrets,
    });
    this.tokens = createCredentialCache({
      obtain: () => this.requestToken(),
      refreshMarginMs: options.refreshMarginMs ?? 60_000,
      now: options.now,
      shared: options.store && {
        store: options.store,
        key: credentialKey('VOLUE', options.tokenUrl, options.clientId, options.clientSecret),
      },
    });
    this.http = createHttpClient({
      provider: 'VOLUE',
      baseUrl: options.baseUrl,
      ...options.calls,
      headers: { accept: 'application/json' },
      auth: bearerAuth(this.tokens),
      secrets,
    });
  }

  private async requestToken(): Promise<{ value: string; expiresInSeconds?: number }> {
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      ({ body } = await this.identity.request<typeof body>({
        method: 'POST',
        path: '',
        form: { grant_type: 'client_credentials', client_id: this.options.clientId, client_secret: this.options.clientSecret },
      }));
    } catch (error) {
      const status = error instanceof GridgraphError ? error.extensions.upstreamStatus : undefined;
      if (status === 400 || status === 401) {
        throw new UpstreamRejectedError(
          `Volue's identity server refused the client credentials (${(error as Error).message.replace(/^.*?: /, '')}). ` +
            'Check VOLUE_CLIENT_ID and VOLUE_CLIENT_SECRET.',
          { provider: 'VOLUE', upstreamStatus: status },
        );
      }
      throw error;
    }
    if (typeof body?.access_token !== 'string' || !body.access_token) {
      throw new UpstreamUnavailableError("Volue's identity server answered without an access_token", { provider: 'VOLUE' });
    }
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : undefined;
    return { value: body.access_token, expiresInSeconds: expiresIn };
  }

  // Users

  async listUsers(page: number, pageSize: number): Promise<{ pagination: VoluePagination; users: Array<{ userId: string }> }> {
    const body = await this.http.get<{ pagination?: VoluePagination; users?: Array<{ userId: string }> }>('users', { page, pageSize });
    if (!body?.pagination || !Array.isArray(body.users)) throw malformed('GET /users', 'no pagination and users');
    return { pagination: body.pagination, users: body.users };
  }

  /** Every user id, following Volue's pages. */
  async listAllUserIds(): Promise<string[]> {
    const ids: string[] = [];
    for (let page = 1; ; page++) {
      const { pagination, users } = await this.listUsers(page, VOLUE_MAX_PAGE_SIZE);
      ids.push(...users.map((u) => u.userId));
      if (!pagination.nextPage || users.length === 0) return ids;
    }
  }

  async getUser(userId: string): Promise<{ userId: string }> {
    return this.http.get(`users/${seg(userId)}`);
  }

  /** Idempotent: a 409 means the user exists, which is what was asked (a user is only its id). */
  async registerUser(userId: string): Promise<{ userId: string }> {
    return this.idempotentPost(
      'users',
      { userId },
      async () => this.getUser(userId),
      (existing) => ({ userId: existing.userId }),
      `user ${userId}`,
    );
  }

  // Meters

  async listMeters(userId: string): Promise<VolueMeterRecord[]> {
    return list(await this.http.get<VolueMeterRecord[]>(`users/${seg(userId)}/meters`), `GET /users/${userId}/meters`);
  }

  /** Idempotent on (user, meterPointId): a 409 for the same meter with the same fields returns it. */
  async registerMeter(userId: string, input: VolueMeterInput): Promise<VolueMeterRecord> {
    return this.idempotentPost(
      `users/${seg(userId)}/meters`,
      input,
      async () => (await this.listMeters(userId)).find((meter) => meter.meterPointId === input.meterPointId),
      (existing) => ({
        address: existing.address,
        location: existing.location ?? undefined,
        meterPointId: existing.meterPointId,
        meterNumber: existing.meterNumber ?? undefined,
        locationType: existing.locationType,
      }),
      `meter ${input.meterPointId}`,
    );
  }

  // Vehicles

  async listVehicles(userId: string): Promise<VolueVehicleRecord[]> {
    return list(await this.http.get<VolueVehicleRecord[]>(`users/${seg(userId)}/vehicles`), `GET /users/${userId}/vehicles`);
  }

  async registerVehicle(userId: string, input: { vehicleId: string; metadata: VolueVehicleMetadata }): Promise<VolueVehicleRecord> {
    return this.idempotentPost(
      `users/${seg(userId)}/vehicles`,
      input,
      async () => (await this.listVehicles(userId)).find((vehicle) => vehicle.vehicleId === input.vehicleId),
      (existing) => ({ vehicleId: existing.vehicleId, metadata: existing.metadata }),
      `vehicle ${input.vehicleId}`,
    );
  }

  // Resources

  async listResources(userId: string): Promise<VolueResourceRecord[]> {
    const body = await this.http.get<{ resources?: VolueResourceRecord[] }>(`users/${seg(userId)}/resources`);
    return list(body?.resources, `GET /users/${userId}/resources`);
  }

  async registerResource(userId: string, input: { resourceId: string; metadata: VolueResourceMetadata }): Promise<VolueResourceRecord> {
    return this.idempotentPost(
      `users/${seg(userId)}/resources`,
      input,
      async () => (await this.listResources(userId)).find((resource) => resource.resourceId === input.resourceId),
      (existing) => ({ resourceId: existing.resourceId, metadata: existing.metadata }),
      `resource ${input.resourceId}`,
    );
  }

  /**
   * A registration POST, sent once (never retried: the http client retries only GETs). When Volue
   * answers 409 the object exists already: it is read back and compared with what was sent. Identical
   * means the earlier registration did what this one asks (e.g. a retry by the client after a lost
   * answer), so it counts as success; different is an error naming the fields that differ.
   */
  private async idempotentPost<R>(
    path: string,
    payload: object,
    findExisting: () => Promise<R | undefined>,
    comparable: (existing: R) => object,
    what?: string,
  ): Promise<R> {
    try {
      return await this.http.post<R>(path, payload);
    } catch (error) {
      if (!(error instanceof GridgraphError && error.extensions.upstreamStatus === 409)) throw error;
      const existing = await findExisting();
      if (existing === undefined) throw error;
      const differing = differingFields(stripUndefined(payload), stripUndefined(comparable(existing)));
      if (differing.length === 0) return existing;
      throw new UpstreamRejectedError(
        `Volue already has ${what ?? 'this object'} registered with different data (${differing.join(', ')} differ). ` +
          'Registration is idempotent only for an identical payload: use a new id, or send the registered values.',
        { provider: 'VOLUE', upstreamStatus: 409, differingFields: differing },
      );
    }
  }

  // Events

  async listEvents(page: number, pageSize: number): Promise<{ pagination: VoluePagination; events: VolueEventRecord[] }> {
    const body = await this.http.get<{ pagination?: VoluePagination; events?: VolueEventRecord[] }>('events', { page, pageSize });
    if (!body?.pagination) throw malformed('GET /events', 'no pagination');
    return { pagination: body.pagination, events: body.events ?? [] };
  }

  getEvent(eventId: string): Promise<VolueEventRecord> {
    return this.http.get(`events/${seg(eventId)}`);
  }

  // Webhooks

  async listWebhooks(): Promise<VolueWebhookRecord[]> {
    const body = await this.http.get<{ webhooks?: VolueWebhookRecord[] }>('webhooks');
    return list(body?.webhooks, 'GET /webhooks');
  }

  getWebhook(webhookId: string): Promise<VolueWebhookRecord> {
    return this.http.get(`webhooks/${seg(webhookId)}`);
  }

  /** Not retried: a repeated POST would create a second webhook. */
  createWebhook(input: VolueWebhookInput & { webhookUrl: string }): Promise<VolueWebhookRecord> {
    return this.http.post('webhooks', input);
  }

  async updateWebhook(webhookId: string, changes: VolueWebhookInput): Promise<VolueWebhookRecord> {
    const { body } = await this.http.request<VolueWebhookRecord>({ method: 'PATCH', path: `webhooks/${seg(webhookId)}`, json: changes });
    return body;
  }

  async deleteWebhook(webhookId: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `webhooks/${seg(webhookId)}`, responseType: 'text' });
  }

  testWebhook(webhookId: string): Promise<VolueWebhookTestRecord> {
    return this.http.post(`webhooks/${seg(webhookId)}/test`);
  }

  // Reports

  /** Not retried: Volue would store the report twice. */
  sendReport(report: { eventId?: string | null; payloads: VolueReportPayload[] }): Promise<VolueReportRecord> {
    return this.http.post('reports', report);
  }
}

function seg(id: string): string {
  return encodeURIComponent(id);
}

function list<T>(body: T[] | undefined, where: string): T[] {
  if (!Array.isArray(body)) throw malformed(where, 'not a list');
  return body;
}

function malformed(where: string, reason: string) {
  return new UpstreamUnavailableError(`Volue answered ${where} in a shape this service cannot read (${reason})`, { provider: 'VOLUE' });
}

function stripUndefined(value: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** Top-level (and metadata.*) fields whose values differ between what was sent and what is stored. */
export function differingFields(sent: Record<string, unknown>, stored: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(sent), ...Object.keys(stored)]);
  const differing: string[] = [];
  for (const key of [...keys].sort()) {
    const a = sent[key];
    const b = stored[key];
    if (isDeepStrictEqual(a, b)) continue;
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      differing.push(...differingFields(a as Record<string, unknown>, b as Record<string, unknown>).map((inner) => `${key}.${inner}`));
    } else {
      differing.push(key);
    }
  }
  return differing;
}
