import { isDeepStrictEqual } from 'node:util';
import { GridgraphError, UpstreamRejectedError, UpstreamUnavailableError } from '../../shared/graph/errors.js';
import { createHttpClient, type HttpClient, type UpstreamCallSettings } from '../../shared/connector/http-client.js';
import { bearerAuth, createCredentialCache, credentialKey, type CredentialCache } from '../../shared/connector/upstream-auth.js';
import type { Store } from '../../shared/store/index.js';
import {
  VOLUE_MAX_PAGE_SIZE,
  VOLUE_PATHS,
  type VolueCompensationRecord,
  type VolueEnrollmentRecord,
  type VolueEventPage,
  type VolueEventRecord,
  type VolueLocationInput,
  type VolueLocationPatch,
  type VolueLocationRecord,
  type VolueLocationResourceInput,
  type VolueMeterPointEligibilityRecord,
  type VolueReportRecord,
  type VolueReportRequest,
  type VolueResourceRecord,
  type VolueSimulatedEvent,
  type VolueSimulateLocationLpcRequest,
  type VolueSimulatePriceCurveRequest,
  type VolueSimulateResourceLpcRequest,
  type VolueTokenResponse,
  type VolueUserEligibilityRecord,
  type VolueUserPage,
  type VolueUserRecord,
  type VolueWebhookInput,
  type VolueWebhookLogDetail,
  type VolueWebhookLogPage,
  type VolueWebhookRecord,
} from './contract.js';

/**
 * The Volue Energy Coordination connector over the current partner API (contract.ts): OAuth2 client
 * credentials (token cached, renewed before it expires, renewed once more after a 401, one token request
 * for any number of concurrent calls) and every path of the spec. Reads are retried by the HTTP client;
 * writes are sent once, and a registration refused as a duplicate (409 where the spec declares it, 400
 * where it declares only that) is read back by id and counts as success when it matches what was sent.
 * Records keep Volue's field names; the GraphQL layer maps them.
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

  async listUsers(page: number, pageSize: number): Promise<Required<VolueUserPage>> {
    return userPage(await this.http.get<VolueUserPage>(VOLUE_PATHS.users, { page, pageSize }), 'GET /users');
  }

  /** Every user id, following Volue's pages. */
  listAllUserIds(): Promise<string[]> {
    return allPages(
      (page) => this.listUsers(page, VOLUE_MAX_PAGE_SIZE),
      (answer) => answer.users.map((user) => user.userId),
    );
  }

  getUser(userId: string): Promise<VolueUserRecord> {
    return this.http.get(VOLUE_PATHS.user(seg(userId)));
  }

  /** Idempotent: Volue refuses an existing id with a 400 (the spec has no 409 here); read back, it is what was asked. */
  registerUser(userId: string): Promise<VolueUserRecord> {
    return this.createOrReadBack({
      what: `user ${userId}`,
      duplicateStatus: 400,
      create: () => this.http.post(VOLUE_PATHS.users, { userId }),
      readBack: () => this.getUser(userId),
      sent: { userId },
      comparable: (user) => ({ userId: user.userId }),
    });
  }

  /** All or nothing (Volue refuses the whole batch when one user is bad or exists). Not retried. */
  async registerUsers(userIds: string[]): Promise<VolueUserRecord[]> {
    const body = await this.http.post<{ users?: VolueUserRecord[] }>(VOLUE_PATHS.usersBatch, {
      users: userIds.map((userId) => ({ userId })),
    });
    return list(body?.users, 'POST /users/batch');
  }

  deleteUser(userId: string): Promise<void> {
    return this.send('DELETE', VOLUE_PATHS.user(seg(userId)));
  }

  // Locations

  async listLocations(userId: string): Promise<VolueLocationRecord[]> {
    return list(await this.http.get<VolueLocationRecord[]>(VOLUE_PATHS.locations(seg(userId))), `GET /users/${userId}/locations`);
  }

  getLocation(userId: string, locationId: string): Promise<VolueLocationRecord> {
    return this.http.get(VOLUE_PATHS.location(seg(userId), seg(locationId)));
  }

  /** Idempotent on (user, locationId): a 409 for the same location with the same fields returns it. */
  registerLocation(userId: string, location: VolueLocationInput): Promise<VolueLocationRecord> {
    return this.createOrReadBack({
      what: `location ${location.locationId}`,
      duplicateStatus: 409,
      create: () => this.http.post(VOLUE_PATHS.locations(seg(userId)), location),
      readBack: () => this.getLocation(userId, location.locationId),
      sent: location,
      comparable: comparableLocation,
    });
  }

  /** All or nothing, for many users at once. Not retried. */
  async registerLocations(locations: Array<VolueLocationInput & { userId: string }>): Promise<VolueLocationRecord[]> {
    const body = await this.http.post<{ locations?: VolueLocationRecord[] }>(VOLUE_PATHS.locationsBatch, { locations });
    return list(body?.locations, 'POST /users/locations/batch');
  }

  /** Replaces every field (PUT): one left out is cleared. */
  replaceLocation(userId: string, location: VolueLocationInput): Promise<VolueLocationRecord> {
    return this.http.put(VOLUE_PATHS.location(seg(userId), seg(location.locationId)), location);
  }

  /** Changes the fields given (PATCH). */
  async updateLocation(userId: string, locationId: string, changes: VolueLocationPatch): Promise<VolueLocationRecord> {
    const { body } = await this.http.request<VolueLocationRecord>({
      method: 'PATCH',
      path: VOLUE_PATHS.location(seg(userId), seg(locationId)),
      json: changes,
    });
    return body;
  }

  deleteLocation(userId: string, locationId: string): Promise<void> {
    return this.send('DELETE', VOLUE_PATHS.location(seg(userId), seg(locationId)));
  }

  // Resources: vehicles (bound to a user) and resources bound to a location

  /** A user's vehicles and location-bound resources. */
  async listUserResources(userId: string): Promise<VolueResourceRecord[]> {
    const body = await this.http.get<{ resources?: VolueResourceRecord[] }>(VOLUE_PATHS.userResources(seg(userId)));
    return list(body?.resources, `GET /users/${userId}/resources`);
  }

  async listLocationResources(userId: string, locationId: string): Promise<VolueResourceRecord[]> {
    const body = await this.http.get<VolueResourceRecord[]>(VOLUE_PATHS.locationResources(seg(userId), seg(locationId)));
    return list(body, `GET /users/${userId}/locations/${locationId}/resources`);
  }

  getResource(resourceId: string): Promise<VolueResourceRecord> {
    return this.http.get(VOLUE_PATHS.resource(seg(resourceId)));
  }

  /** Idempotent: an existing resourceId is a 400 (no 409 in the spec); read back, the same vehicle of the same user is success. */
  registerVehicle(userId: string, resourceId: string): Promise<VolueResourceRecord> {
    return this.createOrReadBack({
      what: `vehicle ${resourceId}`,
      duplicateStatus: 400,
      create: () => this.http.post(VOLUE_PATHS.vehicles(seg(userId)), { resourceId, resourceType: 'Vehicle' }),
      readBack: () => this.getResource(resourceId),
      sent: { userId, resourceId, resourceType: 'Vehicle', locationId: null, meterPointId: null },
      comparable: comparableResource,
    });
  }

  /** Idempotent as registerVehicle, for a resource bound to one of the user's locations. */
  registerLocationResource(userId: string, locationId: string, resource: VolueLocationResourceInput): Promise<VolueResourceRecord> {
    return this.createOrReadBack({
      what: `resource ${resource.resourceId}`,
      duplicateStatus: 400,
      create: () => this.http.post(VOLUE_PATHS.locationResources(seg(userId), seg(locationId)), resource),
      readBack: () => this.getResource(resource.resourceId),
      sent: {
        userId,
        locationId,
        resourceId: resource.resourceId,
        resourceType: resource.resourceType,
        meterPointId: resource.meterPointId ?? null,
      },
      comparable: comparableResource,
    });
  }

  deleteResource(resourceId: string): Promise<void> {
    return this.send('DELETE', VOLUE_PATHS.resource(seg(resourceId)));
  }

  // Enrollment, eligibility, compensation

  getEnrollment(userId: string): Promise<VolueEnrollmentRecord> {
    return this.http.get(VOLUE_PATHS.enrollment(seg(userId)));
  }

  /** Enrolling an enrolled user answers its enrollment: safe to repeat. */
  enroll(userId: string): Promise<VolueEnrollmentRecord> {
    return this.http.post(VOLUE_PATHS.enrollment(seg(userId)));
  }

  unenroll(userId: string): Promise<void> {
    return this.send('DELETE', VOLUE_PATHS.enrollment(seg(userId)));
  }

  getUserEligibility(userId: string): Promise<VolueUserEligibilityRecord> {
    return this.http.get(VOLUE_PATHS.eligibility(seg(userId)));
  }

  async listEligibleUsers(page: number, pageSize: number): Promise<Required<VolueUserPage>> {
    return userPage(await this.http.get<VolueUserPage>(VOLUE_PATHS.eligibleUsers, { page, pageSize }), 'GET /users/eligible');
  }

  getMeterPointEligibility(meterPointId: string): Promise<VolueMeterPointEligibilityRecord> {
    return this.http.get(VOLUE_PATHS.meterPointEligibility(seg(meterPointId)));
  }

  getCompensation(userId: string): Promise<VolueCompensationRecord> {
    return this.http.get(VOLUE_PATHS.compensation(seg(userId)));
  }

  /**
   * A registration POST, sent once (the http client retries only reads). When Volue refuses it with
   * `duplicateStatus` the object may exist already: it is read back by id and compared with what was
   * sent. Identical means an earlier registration did what this one asks (e.g. a retry after a lost
   * answer), so it counts as success; different is an error naming the fields that differ; nothing
   * there means the refusal stands.
   */
  private async createOrReadBack<R>(write: {
    what: string;
    duplicateStatus: 400 | 409;
    create: () => Promise<R>;
    readBack: () => Promise<R>;
    sent: object;
    comparable: (existing: R) => object;
  }): Promise<R> {
    try {
      return await write.create();
    } catch (error) {
      if (!(error instanceof GridgraphError && error.extensions.upstreamStatus === write.duplicateStatus)) throw error;
      const existing = await write.readBack().catch((readError: unknown) => {
        if (readError instanceof GridgraphError && readError.code === 'NOT_FOUND') return undefined;
        throw readError;
      });
      if (existing === undefined) throw error;
      const differing = differingFields(stripUndefined(write.sent), stripUndefined(write.comparable(existing)));
      if (differing.length === 0) return existing;
      throw new UpstreamRejectedError(
        `Volue already has ${write.what} registered with different data (${differing.join(', ')} differ). ` +
          'Registration is idempotent only for an identical payload: use a new id, or send the registered values.',
        { provider: 'VOLUE', upstreamStatus: write.duplicateStatus, differingFields: differing },
      );
    }
  }

  /** A request whose answer has no body (deletes, 204). */
  private async send(method: 'DELETE' | 'PUT', path: string, searchParams?: Record<string, string>): Promise<void> {
    await this.http.request({ method, path, searchParams, responseType: 'text' });
  }

  // Events

  async listEvents(page: number, pageSize: number): Promise<Required<VolueEventPage>> {
    const body = await this.http.get<VolueEventPage>(VOLUE_PATHS.events, { page, pageSize });
    if (!body?.pagination) throw malformed('GET /events', 'no pagination');
    return { pagination: body.pagination, events: body.events ?? [] };
  }

  getEvent(eventId: string): Promise<VolueEventRecord> {
    return this.http.get(VOLUE_PATHS.event(seg(eventId)));
  }

  // Simulation (the sandbox's): events made from what is given, random partner data

  simulatePriceCurve(request: VolueSimulatePriceCurveRequest = {}): Promise<VolueEventRecord> {
    return this.simulate(VOLUE_PATHS.simulatePriceCurve, request);
  }

  simulateUserEligibility(): Promise<VolueEventRecord> {
    return this.simulate(VOLUE_PATHS.simulateUserEligibility);
  }

  simulateLocationLpc(request: VolueSimulateLocationLpcRequest = {}): Promise<VolueEventRecord> {
    return this.simulate(VOLUE_PATHS.simulateLocationLpc, request);
  }

  simulateResourceLpc(request: VolueSimulateResourceLpcRequest = {}): Promise<VolueEventRecord> {
    return this.simulate(VOLUE_PATHS.simulateResourceLpc, request);
  }

  async createSimulatedPartnerData(): Promise<void> {
    await this.http.request({ method: 'POST', path: VOLUE_PATHS.simulatePartnerData, responseType: 'text' });
  }

  deleteSimulatedPartnerData(): Promise<void> {
    return this.send('DELETE', VOLUE_PATHS.simulatePartnerData);
  }

  private async simulate(path: string, request?: object): Promise<VolueEventRecord> {
    const body = await this.http.post<VolueSimulatedEvent>(path, request);
    if (!body?.simulatedEvent) throw malformed(`POST /${path}`, 'no simulatedEvent');
    return body.simulatedEvent;
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

  setWebhookEnabled(webhookId: string, enabled: boolean): Promise<void> {
    return this.send('PUT', VOLUE_PATHS.webhookEnabled(seg(webhookId)), { enabled: String(enabled) });
  }

  deleteWebhook(webhookId: string): Promise<void> {
    return this.send('DELETE', VOLUE_PATHS.webhook(seg(webhookId)));
  }

  /** Delivery logs, newest first; of one webhook when `webhookId` is given. */
  async listWebhookLogs(webhookId: string | undefined, page: number, pageSize: number): Promise<Required<VolueWebhookLogPage>> {
    const body = await this.http.get<VolueWebhookLogPage>(VOLUE_PATHS.webhookLogs, { webhookId, page, pageSize });
    if (!body?.pagination) throw malformed('GET /webhooks/logs', 'no pagination');
    return { pagination: body.pagination, webhookNotificationLogs: body.webhookNotificationLogs ?? [] };
  }

  getWebhookLog(notificationId: string): Promise<VolueWebhookLogDetail> {
    return this.http.get(VOLUE_PATHS.webhookLog(seg(notificationId)));
  }

  // Reports

  /** Not retried: Volue would store the report twice. */
  sendReport(report: VolueReportRequest): Promise<VolueReportRecord> {
    return this.http.post(VOLUE_PATHS.reports, report);
  }
}

/** What a location's read-back is compared with: the fields a registration sends. */
function comparableLocation(location: VolueLocationRecord): VolueLocationInput {
  return {
    locationId: location.locationId,
    locationType: location.locationType,
    coordinates: location.coordinates,
    meterPointIds: location.meterPointIds ?? [],
  };
}

function comparableResource(resource: VolueResourceRecord): object {
  return {
    userId: resource.userId,
    locationId: resource.locationId ?? null,
    resourceId: resource.resourceId,
    resourceType: resource.resourceType,
    meterPointId: resource.meterPointId ?? null,
  };
}

function userPage(body: VolueUserPage | undefined, where: string): Required<VolueUserPage> {
  if (!body?.pagination) throw malformed(where, 'no pagination');
  return { pagination: body.pagination, users: body.users ?? [] };
}

/** Every item of a paginated list, following `nextPage`. */
export async function allPages<P extends { pagination: { nextPage?: number | null } }, T>(
  fetchPage: (page: number) => Promise<P>,
  items: (page: P) => T[],
): Promise<T[]> {
  const all: T[] = [];
  for (let page = 1; ; page++) {
    const answer = await fetchPage(page);
    const found = items(answer);
    all.push(...found);
    if (!answer.pagination.nextPage || found.length === 0) return all;
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
