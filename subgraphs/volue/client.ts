import { isDeepStrictEqual } from 'node:util';
import { GridgraphError, UpstreamRejectedError, UpstreamUnavailableError } from '../../shared/graph/errors.js';
import { createHttpClient, type HttpClient, type UpstreamCallSettings } from '../../shared/connector/http-client.js';
import { bearerAuth, createCredentialCache, credentialKey, type CredentialCache } from '../../shared/connector/upstream-auth.js';
import type { Store } from '../../shared/store/index.js';
import {
  VOLUE_MAX_PAGE_SIZE,
  VOLUE_PATHS,
  type VolueEventPage,
  type VolueEventRecord,
  type VolueMeterInput,
  type VolueMeterRecord,
  type VolueReportRecord,
  type VolueReportRequest,
  type VolueResourceMetadata,
  type VolueResourceRecord,
  type VolueTokenResponse,
  type VolueUserPage,
  type VolueUserRecord,
  type VolueVehicleMetadata,
  type VolueVehicleRecord,
  type VolueWebhookInput,
  type VolueWebhookRecord,
  type VolueWebhookTestRecord,
} from './contract.js';

/**
 * The Volue Energy Coordination connector: OAuth2 client credentials (token cached, renewed before it
 * expires, renewed once more after a 401, one token request for any number of concurrent calls), the
 * seed's registration routes with idempotent registration, and the current partner API's events,
 * webhooks and reports. Records keep Volue's field names; the GraphQL layer maps them.
 */

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
    let body: Partial<VolueTokenResponse> | undefined;
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

  async listUsers(page: number, pageSize: number): Promise<VolueUserPage> {
    const body = await this.http.get<Partial<VolueUserPage>>(VOLUE_PATHS.users, { page, pageSize });
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

  async getUser(userId: string): Promise<VolueUserRecord> {
    return this.http.get(VOLUE_PATHS.user(seg(userId)));
  }

  /** Idempotent: a 409 means the user exists, which is what was asked (a user is only its id). */
  async registerUser(userId: string): Promise<VolueUserRecord> {
    return this.idempotentPost(
      VOLUE_PATHS.users,
      { userId },
      async () => this.getUser(userId),
      (existing) => ({ userId: existing.userId }),
      `user ${userId}`,
    );
  }

  // Meters

  async listMeters(userId: string): Promise<VolueMeterRecord[]> {
    return list(await this.http.get<VolueMeterRecord[]>(VOLUE_PATHS.meters(seg(userId))), `GET /users/${userId}/meters`);
  }

  /** Idempotent on (user, meterPointId): a 409 for the same meter with the same fields returns it. */
  async registerMeter(userId: string, input: VolueMeterInput): Promise<VolueMeterRecord> {
    return this.idempotentPost(
      VOLUE_PATHS.meters(seg(userId)),
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
    return list(await this.http.get<VolueVehicleRecord[]>(VOLUE_PATHS.vehicles(seg(userId))), `GET /users/${userId}/vehicles`);
  }

  async registerVehicle(userId: string, input: { vehicleId: string; metadata: VolueVehicleMetadata }): Promise<VolueVehicleRecord> {
    return this.idempotentPost(
      VOLUE_PATHS.vehicles(seg(userId)),
      input,
      async () => (await this.listVehicles(userId)).find((vehicle) => vehicle.vehicleId === input.vehicleId),
      (existing) => ({ vehicleId: existing.vehicleId, metadata: existing.metadata }),
      `vehicle ${input.vehicleId}`,
    );
  }

  // Resources

  async listResources(userId: string): Promise<VolueResourceRecord[]> {
    const body = await this.http.get<{ resources?: VolueResourceRecord[] }>(VOLUE_PATHS.resources(seg(userId)));
    return list(body?.resources, `GET /users/${userId}/resources`);
  }

  async registerResource(userId: string, input: { resourceId: string; metadata: VolueResourceMetadata }): Promise<VolueResourceRecord> {
    return this.idempotentPost(
      VOLUE_PATHS.resources(seg(userId)),
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

  async listEvents(page: number, pageSize: number): Promise<VolueEventPage> {
    const body = await this.http.get<Partial<VolueEventPage>>(VOLUE_PATHS.events, { page, pageSize });
    if (!body?.pagination) throw malformed('GET /events', 'no pagination');
    return { pagination: body.pagination, events: body.events ?? [] };
  }

  getEvent(eventId: string): Promise<VolueEventRecord> {
    return this.http.get(VOLUE_PATHS.event(seg(eventId)));
  }

  // Webhooks

  async listWebhooks(): Promise<VolueWebhookRecord[]> {
    const body = await this.http.get<{ webhooks?: VolueWebhookRecord[] }>(VOLUE_PATHS.webhooks);
    return list(body?.webhooks, 'GET /webhooks');
  }

  getWebhook(webhookId: string): Promise<VolueWebhookRecord> {
    return this.http.get(VOLUE_PATHS.webhook(seg(webhookId)));
  }

  /** Not retried: a repeated POST would create a second webhook. */
  createWebhook(input: VolueWebhookInput & { webhookUrl: string }): Promise<VolueWebhookRecord> {
    return this.http.post(VOLUE_PATHS.webhooks, input);
  }

  async updateWebhook(webhookId: string, changes: VolueWebhookInput): Promise<VolueWebhookRecord> {
    const { body } = await this.http.request<VolueWebhookRecord>({
      method: 'PATCH',
      path: VOLUE_PATHS.webhook(seg(webhookId)),
      json: changes,
    });
    return body;
  }

  async deleteWebhook(webhookId: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: VOLUE_PATHS.webhook(seg(webhookId)), responseType: 'text' });
  }

  testWebhook(webhookId: string): Promise<VolueWebhookTestRecord> {
    return this.http.post(VOLUE_PATHS.webhookTest(seg(webhookId)));
  }

  // Reports

  /** Not retried: Volue would store the report twice. */
  sendReport(report: VolueReportRequest): Promise<VolueReportRecord> {
    return this.http.post(VOLUE_PATHS.reports, report);
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
