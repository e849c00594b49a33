import { parse as parseCsv } from 'csv-parse/sync';
import { GridgraphError, UpstreamUnavailableError } from '../../shared/graph/errors.js';
import { createHttpClient, type HttpClient, type QueryValue, type UpstreamCallSettings } from '../../shared/connector/http-client.js';
import { createCredentialCache, credentialKey, headerAuth, type CredentialCache } from '../../shared/connector/upstream-auth.js';
import { createLogger } from '../../shared/observability/logger.js';
import { WallClockReader, wallClockCandidates } from '../../shared/time/wall-clock.js';
import { decode, decodeJson, decodeXml, decodeYaml, type FileType, type ResponseType, WireFormatError } from './wire.js';
import type { Store } from '../../shared/store/index.js';

/**
 * The Intellimeter connector: typed calls to the classic API (https://api.intellimeter.ca). It logs in
 * with the API key (PUT /session), keeps the session cookie, and logs in again once when a call is
 * refused with 401 (the kit's `auth` option). Every answer, in JSON, XML or YAML, becomes the same typed
 * records; zone-less timestamps are read in the site's zone.
 */

export interface IntellimeterAccountRecord {
  uuid: number;
  project: number;
  projectName: string | null;
  username: string;
  email: string;
  joined: Date;
}

export interface IntellimeterUserRecord {
  uuid: number;
  username: string;
  email: string;
  joined: Date;
}

export interface IntellimeterPointRecord {
  id: number;
  /** Intellimeter's `MeterId`: the point's name, unique on the site. */
  name: string;
  modbusId: number | null;
  port: string | null;
  phases: number | null;
  meterType: string | null;
  modbusMap: string | null;
  saveEveryMinutes: number | null;
  startAddress: number | null;
  /** The utility's metering point id (EAN), when the site records one (CONTRACT.md). */
  meteringPointId: string | null;
}

/** One reading of `/data`, `/interval` or `/file`: `value` at the instant `at` (kWh). */
export interface IntellimeterReadingRecord {
  /** The point's name (`MeterParam`). */
  meter: string;
  at: Date;
  value: number;
}

export type PointSelector = { id: number } | { name: string };

export interface AccountChanges {
  username?: string;
  password?: string;
  email?: string;
}

export interface NewUser {
  username: string;
  password: string;
  email: string;
}

export type ChartType = 'pie' | 'bar' | 'line';

export interface IntellimeterClientOptions {
  /** Timeouts, concurrency, retries and breaker of the calls to the provider (`<PROVIDER>_*` settings). */
  calls: UpstreamCallSettings;
  /**
   * Shares the session with other replicas through this store (README "Scale-out"), and keeps a rotated
   * key there, so that every replica and a restarted process log in with it.
   */
  store?: Store;
  baseUrl: string;
  /** The configured key; a key rotated since (kept in the store) takes its place. */
  apiKey: string;
  /** The site's IANA zone, in which Intellimeter writes its zone-less timestamps. */
  timeZone: string;
  /** Wire format asked of every JSON route; only the three Intellimeter knows can be chosen. */
  responseType: ResponseType;
  /** Format of history files. */
  fileType: FileType;
  /** The clock (epoch ms) that says which pass through a repeated hour a latest reading is from; default the system's. */
  now?: () => number;
}

const PROVIDER = 'INTELLIMETER' as const;
const log = createLogger('intellimeter');

export class IntellimeterClient {
  private readonly http: HttpClient;
  private readonly loginHttp: HttpClient;
  private readonly session: CredentialCache<string>;
  private apiKey: string;
  /** Read at every error: keys added on rotation are redacted too. */
  private readonly secrets: string[];
  /** Where the rotated key is kept: named by the configured key, so configuring a new key starts afresh. */
  private readonly rotatedKeyKey: string;
  private readonly now: () => number;

  constructor(private readonly options: IntellimeterClientOptions) {
    this.now = options.now ?? Date.now;
    this.apiKey = options.apiKey;
    this.secrets = [options.apiKey];
    this.rotatedKeyKey = credentialKey('INTELLIMETER-ROTATED-KEY', options.baseUrl, options.apiKey);
    const common = {
      provider: PROVIDER,
      baseUrl: options.baseUrl,
      ...options.calls,
      secrets: this.secrets,
    };
    this.loginHttp = createHttpClient(common);
    this.session = createCredentialCache({
      obtain: async () => ({ value: await this.login() }),
      shared: options.store && { store: options.store, key: credentialKey('INTELLIMETER', options.baseUrl, options.apiKey) },
    });
    this.http = createHttpClient({ ...common, auth: headerAuth(this.session, (cookie) => ({ cookie })) });
  }

  /** How many logins this client has made (the first, and one per expired session). */
  get logins(): number {
    return this.session.obtained;
  }

  /**
   * PUT /session with the current key (a rotated one from the store first); the session rides on the
   * cookie it sets. When a stored rotated key is refused (the key was reset at Intellimeter, or the
   * simulator started afresh), the configured key is tried once.
   */
  private async login(): Promise<string> {
    const rotated = await this.options.store?.get(this.rotatedKeyKey);
    if (rotated !== undefined) this.useKey(rotated);
    try {
      return await this.openSession();
    } catch (error) {
      const refused = error instanceof GridgraphError && error.code === 'UPSTREAM_REJECTED';
      if (!refused || this.apiKey === this.options.apiKey) throw error;
      log.warn('the rotated API key was refused; logging in with the configured INTELLIMETER_API_KEY');
      this.apiKey = this.options.apiKey;
      return this.openSession();
    }
  }

  private async openSession(): Promise<string> {
    const response = await this.loginHttp.request<string>({
      method: 'PUT',
      path: 'session',
      searchParams: { responseType: this.options.responseType },
      // A form body keeps the key out of URLs and access logs.
      form: { key: this.apiKey },
      responseType: 'text',
    });
    const setCookie = response.headers['set-cookie'];
    const cookies = (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [])
      .map((line) => line.split(';')[0]!.trim())
      .filter((pair) => /^[^=]+=./.test(pair));
    if (cookies.length === 0) throw malformed('PUT /session', 'the login answer set no session cookie');
    return cookies.join('; ');
  }

  private async call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, params: Record<string, QueryValue> = {}): Promise<unknown> {
    const type = this.options.responseType;
    const form = Object.fromEntries(
      Object.entries(params)
        .filter(([, value]) => value !== undefined && value !== null)
        .map(([key, value]) => [key, String(value)]),
    );
    const response = await this.http.request<string>({
      method,
      path,
      // Reads carry their parameters in the query string; writes in a form body (passwords stay out of URLs).
      searchParams: method === 'GET' ? { ...params, responseType: type } : { responseType: type },
      form: method === 'GET' ? undefined : form,
      responseType: 'text',
    });
    try {
      return decode(type, response.body);
    } catch (error) {
      if (error instanceof WireFormatError) throw malformed(`${method} /${path}`, error.message);
      throw error;
    }
  }

  // Session and key

  async account(): Promise<IntellimeterAccountRecord> {
    return parseAccount(await this.call('GET', 'session'), this.options.timeZone);
  }

  /** DELETE /session; the next call logs in again. */
  async logout(): Promise<void> {
    await this.call('DELETE', 'session');
    this.session.invalidate(await this.session.get());
  }

  async currentKey(): Promise<string> {
    return parseKey(await this.call('GET', 'key'), 'GET /key');
  }

  /**
   * POST /key: the old key stops working, so later logins (of every replica, also after a restart) use
   * the new one, kept in the store. Never retried.
   */
  async rotateKey(): Promise<string> {
    const key = parseKey(await this.call('POST', 'key'), 'POST /key');
    this.useKey(key);
    try {
      await this.options.store?.set(this.rotatedKeyKey, key);
    } catch (error) {
      // Intellimeter has rotated already: this process goes on with the key, and the caller gets it.
      log.error(`the rotated API key could not be stored (${(error as Error).message}); set INTELLIMETER_API_KEY to it before a restart`);
    }
    return key;
  }

  private useKey(key: string): void {
    if (!this.secrets.includes(key)) this.secrets.push(key);
    this.apiKey = key;
  }

  // Readings

  async latestRegisters(): Promise<IntellimeterReadingRecord[]> {
    return parseReadings(await this.call('GET', 'data'), this.options.timeZone, 'GET /data', this.now());
  }

  async latestIntervals(): Promise<IntellimeterReadingRecord[]> {
    return parseReadings(await this.call('GET', 'interval'), this.options.timeZone, 'GET /interval', this.now());
  }

  /**
   * Register readings of every 5 minutes of the site-local days `firstDay` to `lastDay` (both included,
   * YYYY-MM-DD), of one point or (without `meter`) of all.
   */
  async history(firstDay: string, lastDay: string, meter?: string): Promise<IntellimeterReadingRecord[]> {
    const type = this.options.fileType;
    const response = await this.http.request<string>({
      method: 'GET',
      path: 'file',
      searchParams: { start: firstDay, end: lastDay, type, meter },
      responseType: 'text',
    });
    return parseHistoryFile(type, response.body, this.options.timeZone);
  }

  // Users

  async users(): Promise<IntellimeterUserRecord[]> {
    const body = await this.call('GET', 'user');
    return asList(body, 'GET /user').map((item) => parseUser(item, this.options.timeZone));
  }

  /** POST /user: changes the logged-in account (409 when the username is taken). */
  async updateAccount(changes: AccountChanges): Promise<IntellimeterAccountRecord> {
    return parseAccount(await this.call('POST', 'user', { ...changes }), this.options.timeZone);
  }

  /** PUT /user: creates a user in the project (409 when the username is taken). */
  async createUser(user: NewUser): Promise<IntellimeterAccountRecord> {
    return parseAccount(await this.call('PUT', 'user', { ...user }), this.options.timeZone);
  }

  /** DELETE /user: deletes the logged-in account (and its session). */
  async deleteAccount(): Promise<void> {
    await this.call('DELETE', 'user');
    this.session.invalidate(await this.session.get());
  }

  // Charts and points

  /** GET /graphics: a PNG. `width`/`height` in pixels; Intellimeter takes hundreds of pixels (CONTRACT.md). */
  async chart(options: { type: ChartType; meter?: string; width: number; height: number }): Promise<Buffer> {
    const response = await this.http.request<Buffer>({
      method: 'GET',
      path: 'graphics',
      searchParams: { type: options.type, meter: options.meter, width: options.width / 100, height: options.height / 100 },
      responseType: 'buffer',
    });
    return response.body;
  }

  async point(selector: PointSelector): Promise<IntellimeterPointRecord> {
    return parsePoint(await this.call('GET', 'point', { ...selector }), 'GET /point');
  }

  /** POST /point with `new`: renames a point (409 when the name is taken). Never retried. */
  async renamePoint(selector: PointSelector, newName: string): Promise<IntellimeterPointRecord> {
    return parsePoint(await this.call('POST', 'point', { ...selector, new: newName }), 'POST /point');
  }
}

// Parsing: every format decodes to the same JSON-like value; these turn it into typed records.

type Fields = Record<string, unknown>;

function malformed(where: string, reason: string): UpstreamUnavailableError {
  return new UpstreamUnavailableError(`Intellimeter answered ${where} with data this service cannot read: ${reason}`, {
    provider: PROVIDER,
  });
}

/** Field lookup that ignores case, spaces and underscores (`project_name`, `project name`, `MeterParam`, `meterparam`). */
function field(record: Fields, name: string): unknown {
  const wanted = normalize(name);
  for (const [key, value] of Object.entries(record)) if (normalize(key) === wanted) return value;
  return undefined;
}

function normalize(key: string): string {
  return key.replace(/[\s_]/g, '').toLowerCase();
}

function asObject(value: unknown, where: string): Fields {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw malformed(where, 'expected an object');
  return value as Fields;
}

/** A list; an empty list arrives as `{}` or `<Response></Response>`. */
function asList(value: unknown, where: string): Fields[] {
  if (Array.isArray(value)) return value.map((item) => asObject(item, where));
  if (value && typeof value === 'object' && Object.keys(value).length === 0) return [];
  throw malformed(where, 'expected a list');
}

function text(record: Fields, name: string, where: string): string {
  const value = field(record, name);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw malformed(where, `${name} is missing`);
}

function optionalText(record: Fields, name: string): string | null {
  const value = field(record, name);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

function number(record: Fields, name: string, where: string): number {
  const value = optionalNumber(record, name);
  if (value === null) throw malformed(where, `${name} is not a number`);
  return value;
}

function optionalNumber(record: Fields, name: string): number | null {
  const value = field(record, name);
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(parsed) ? parsed : null;
}

/**
 * `2019-10-30 13:15:00` (JSON) or `2019-10-30T13:15:00` (XML): the site's local time (an explicit offset
 * wins). A lone stamp in a repeated fall-back hour is read as its earlier instant.
 */
function time(record: Fields, name: string, zone: string, where: string): Date {
  const value = text(record, name, where);
  try {
    return new Date(wallClockCandidates(value, zone)[0]!);
  } catch {
    throw malformed(where, `${name} "${value}" is not a date-time`);
  }
}

export function parseAccount(body: unknown, zone: string): IntellimeterAccountRecord {
  const where = 'the account';
  const record = asObject(body, where);
  return {
    uuid: number(record, 'uuid', where),
    project: number(record, 'project', where),
    projectName: optionalText(record, 'project_name'),
    username: text(record, 'username', where),
    email: text(record, 'email', where),
    joined: time(record, 'joined', zone, where),
  };
}

export function parseUser(body: unknown, zone: string): IntellimeterUserRecord {
  const where = 'a user';
  const record = asObject(body, where);
  return {
    uuid: number(record, 'uuid', where),
    username: text(record, 'username', where),
    email: text(record, 'email', where),
    joined: time(record, 'joined', zone, where),
  };
}

export function parseKey(body: unknown, where: string): string {
  return text(asObject(body, where), 'key', where);
}

export function parsePoint(body: unknown, where: string): IntellimeterPointRecord {
  const record = asObject(body, where);
  return {
    id: number(record, 'id', where),
    name: text(record, 'MeterId', where),
    modbusId: optionalNumber(record, 'ModbusId'),
    port: optionalText(record, 'Port'),
    phases: optionalNumber(record, 'NoPhases'),
    meterType: optionalText(record, 'MeterType'),
    modbusMap: optionalText(record, 'ModbusMap'),
    saveEveryMinutes: optionalNumber(record, 'SaveEvery'),
    startAddress: optionalNumber(record, 'startAddress'),
    meteringPointId: optionalText(record, 'MeteringPointId'),
  };
}

/**
 * Readings of `/data`, `/interval` or `/file`. Each point's stamps are read in the order Intellimeter
 * lists them, so the second pass through a repeated fall-back hour is an hour after the first; with
 * `latestNotAfter` (`/data`, `/interval`: one stamp per point, the newest) a stamp in that hour is the
 * later instant that is not after then.
 */
export function parseReadings(body: unknown, zone: string, where: string, latestNotAfter?: number): IntellimeterReadingRecord[] {
  const readers = new Map<string, WallClockReader>();
  return asList(body, where).map((item) => {
    const meter = text(item, 'MeterParam', where);
    const stamp = text(item, 'TimeStamping', where);
    let reader = readers.get(meter);
    if (!reader) readers.set(meter, (reader = new WallClockReader(zone)));
    let at: number;
    try {
      at = latestNotAfter === undefined ? reader.read(stamp) : reader.readLatest(stamp, latestNotAfter);
    } catch {
      throw malformed(where, `TimeStamping "${stamp}" is not a date-time`);
    }
    return { meter, at: new Date(at), value: number(item, 'value', where) };
  });
}

export function parseHistoryFile(type: FileType, body: string, zone: string): IntellimeterReadingRecord[] {
  const where = 'GET /file';
  try {
    if (type === 'csv') {
      const rows = parseCsv(body, { columns: true, skip_empty_lines: true, trim: true }) as Fields[];
      return parseReadings(rows, zone, where);
    }
    const decoded = type === 'xml' ? decodeXml(body) : type === 'yaml' ? decodeYaml(body) : decodeJson(body);
    return parseReadings(decoded, zone, where);
  } catch (error) {
    if (error instanceof WireFormatError) throw malformed(where, error.message);
    if (error instanceof Error && error.name === 'CsvError') throw malformed(where, error.message);
    throw error;
  }
}
