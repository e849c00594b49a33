import { parse as parseCsv } from 'csv-parse/sync';
import { GridgraphError, UpstreamUnavailableError } from '../../shared/graph/errors.js';
import { createHttpClient, type HttpClient, type QueryValue, type UpstreamCallSettings } from '../../shared/connector/http-client.js';
import {
  createCredentialCache,
  credentialFingerprint,
  credentialKey,
  headerAuth,
  type CredentialCache,
} from '../../shared/connector/upstream-auth.js';
import { createLogger } from '../../shared/observability/logger.js';
import { WallClockReader, wallClockCandidates } from '../../shared/time/wall-clock.js';
import {
  type ChartType,
  type FileType,
  INTELLIMETER_CHART_PIXELS_PER_UNIT,
  INTELLIMETER_PATHS,
  type IntellimeterAccountJson,
  type IntellimeterKeyJson,
  type IntellimeterPointJson,
  type IntellimeterReadingJson,
  type IntellimeterUserJson,
  type ResponseType,
} from './contract.js';
import { decode, decodeJson, decodeXml, decodeYaml, MIME_TYPES, WireFormatError } from './wire.js';
import type { Store } from '../../shared/store/index.js';

/**
 * The Intellimeter connector: typed calls to the classic API (https://api.intellimeter.ca). It logs in
 * with the API key or the username and password (PUT /session), keeps the session cookie, and logs in again once when a call is
 * refused with 401 (the kit's `auth` option). Every answer, in JSON, XML or YAML, becomes the same typed
 * records (read by contract.ts's field names); zone-less timestamps are read in the site's zone.
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

/** What a key rotation may tell a client: never the key. */
export interface KeyRotation {
  /** credentialFingerprint of the new key. */
  fingerprint: string;
  /** Whether the store kept it, so that every replica and a restarted process use it. */
  keptInStore: boolean;
}

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
  /**
   * How PUT /session logs in [C: both are documented]: by API key (`key`, the seed's recommendation; the
   * default) or by the account's username and password (`password`).
   */
  loginMethod?: IntellimeterLoginMethod;
  /** The account's username and password, for `loginMethod: 'password'`. */
  username?: string;
  password?: string;
  /** The site's IANA zone, in which Intellimeter writes its zone-less timestamps. */
  timeZone: string;
  /** Wire format asked of every JSON route; only the three Intellimeter knows can be chosen. */
  responseType: ResponseType;
  /** Format of history files. */
  fileType: FileType;
  /** The clock (epoch ms) that says which pass through a repeated hour a latest reading is from; default the system's. */
  now?: () => number;
}

export type IntellimeterLoginMethod = 'key' | 'password';

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
    this.secrets = [options.apiKey, ...(options.password ? [options.password] : [])];
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
      shared: options.store && {
        store: options.store,
        key: credentialKey('INTELLIMETER', options.baseUrl, ...this.loginIdentity()),
      },
    });
    this.http = createHttpClient({ ...common, auth: headerAuth(this.session, (cookie) => ({ cookie })) });
  }

  private get logsInWithPassword(): boolean {
    return this.options.loginMethod === 'password';
  }

  /** What names the session in the shared store: the key, or the username and password. */
  private loginIdentity(): string[] {
    return this.logsInWithPassword ? [this.options.username ?? '', this.options.password ?? ''] : [this.options.apiKey];
  }

  /** How many logins this client has made (the first, and one per expired session). */
  get logins(): number {
    return this.session.obtained;
  }

  /**
   * PUT /session with the username and password, or with the current key (a rotated one from the store
   * first); the session rides on the cookie it sets. When a stored rotated key is refused (the key was
   * reset at Intellimeter, or the simulator started afresh), the configured key is tried once.
   */
  private async login(): Promise<string> {
    if (this.logsInWithPassword) return this.openSession();
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
      path: INTELLIMETER_PATHS.session,
      searchParams: { responseType: this.options.responseType },
      // A form body keeps the key and the password out of URLs and access logs.
      form: this.logsInWithPassword
        ? { username: this.options.username ?? '', password: this.options.password ?? '' }
        : { key: this.apiKey },
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
    return parseAccount(await this.call('GET', INTELLIMETER_PATHS.session), this.options.timeZone);
  }

  /** DELETE /session; the next call logs in again. */
  async logout(): Promise<void> {
    await this.call('DELETE', INTELLIMETER_PATHS.session);
    this.session.invalidate(await this.session.get());
  }

  async currentKey(): Promise<string> {
    return parseKey(await this.call('GET', INTELLIMETER_PATHS.key), 'GET /key');
  }

  /**
   * GET /key, told without the key (a credential that must not reach a client or a log): its SHA-256
   * fingerprint, and whether it is the key this connector logs in with.
   */
  async apiKeyInfo(): Promise<{ fingerprint: string; inUse: boolean }> {
    const key = await this.currentKey();
    if (!this.secrets.includes(key)) this.secrets.push(key);
    return { fingerprint: credentialFingerprint(key), inUse: !this.logsInWithPassword && key === this.apiKey };
  }

  /**
   * POST /key: the old key stops working, so later logins (of every replica, also after a restart) use
   * the new one, kept in the store. Never retried. The key itself stays here: the caller learns whether
   * the store kept it and the key's fingerprint.
   */
  async rotateKey(): Promise<KeyRotation> {
    const key = parseKey(await this.call('POST', INTELLIMETER_PATHS.key), 'POST /key');
    this.useKey(key);
    const fingerprint = credentialFingerprint(key);
    try {
      await this.options.store?.set(this.rotatedKeyKey, key);
      return { fingerprint, keptInStore: this.options.store !== undefined };
    } catch (error) {
      // Intellimeter has rotated already: this process goes on with the key, and says the store lacks it.
      log.error(
        `the rotated API key (${fingerprint}) could not be stored (${(error as Error).message}); only this process knows it: rotate again once the store answers`,
      );
      return { fingerprint, keptInStore: false };
    }
  }

  private useKey(key: string): void {
    if (!this.secrets.includes(key)) this.secrets.push(key);
    this.apiKey = key;
  }

  // Readings

  async latestRegisters(): Promise<IntellimeterReadingRecord[]> {
    return parseReadings(await this.call('GET', INTELLIMETER_PATHS.data), this.options.timeZone, 'GET /data', this.now());
  }

  async latestIntervals(): Promise<IntellimeterReadingRecord[]> {
    return parseReadings(await this.call('GET', INTELLIMETER_PATHS.interval), this.options.timeZone, 'GET /interval', this.now());
  }

  /**
   * Register readings of every 5 minutes of the site-local days `firstDay` to `lastDay` (both included,
   * YYYY-MM-DD), of one point or (without `meter`) of all.
   */
  async history(firstDay: string, lastDay: string, meter?: string): Promise<IntellimeterReadingRecord[]> {
    const type = this.options.fileType;
    return parseHistoryFile(type, (await this.historyFile(firstDay, lastDay, type, meter)).content, this.options.timeZone);
  }

  /** GET /file as Intellimeter writes it: the text of the file and its media type. */
  async historyFile(firstDay: string, lastDay: string, type: FileType, meter?: string): Promise<{ content: string; mimeType: string }> {
    const response = await this.http.request<string>({
      method: 'GET',
      path: INTELLIMETER_PATHS.file,
      searchParams: { start: firstDay, end: lastDay, type, meter },
      responseType: 'text',
    });
    const mimeType = String(response.headers['content-type'] ?? MIME_TYPES[type])
      .split(';')[0]!
      .trim();
    return { content: response.body, mimeType };
  }

  // Users

  async users(): Promise<IntellimeterUserRecord[]> {
    const body = await this.call('GET', INTELLIMETER_PATHS.user);
    return asList(body, 'GET /user').map((item) => parseUser(item, this.options.timeZone));
  }

  /** POST /user: changes the logged-in account (409 when the username is taken). */
  async updateAccount(changes: AccountChanges): Promise<IntellimeterAccountRecord> {
    return parseAccount(await this.call('POST', INTELLIMETER_PATHS.user, { ...changes }), this.options.timeZone);
  }

  /** PUT /user: creates a user in the project (409 when the username is taken). */
  async createUser(user: NewUser): Promise<IntellimeterAccountRecord> {
    return parseAccount(await this.call('PUT', INTELLIMETER_PATHS.user, { ...user }), this.options.timeZone);
  }

  /** DELETE /user: deletes the logged-in account (and its session). */
  async deleteAccount(): Promise<void> {
    await this.call('DELETE', INTELLIMETER_PATHS.user);
    this.session.invalidate(await this.session.get());
  }

  // Charts and points

  /** GET /graphics: a PNG. `width`/`height` in pixels; Intellimeter takes hundreds of pixels (CONTRACT.md). */
  async chart(options: { type: ChartType; meter?: string; width: number; height: number }): Promise<Buffer> {
    const response = await this.http.request<Buffer>({
      method: 'GET',
      path: INTELLIMETER_PATHS.graphics,
      searchParams: {
        type: options.type,
        meter: options.meter,
        width: options.width / INTELLIMETER_CHART_PIXELS_PER_UNIT,
        height: options.height / INTELLIMETER_CHART_PIXELS_PER_UNIT,
      },
      responseType: 'buffer',
    });
    return response.body;
  }

  async point(selector: PointSelector): Promise<IntellimeterPointRecord> {
    return parsePoint(await this.call('GET', INTELLIMETER_PATHS.point, { ...selector }), 'GET /point');
  }

  /** POST /point with `new`: renames a point (409 when the name is taken). Never retried. */
  async renamePoint(selector: PointSelector, newName: string): Promise<IntellimeterPointRecord> {
    return parsePoint(await this.call('POST', INTELLIMETER_PATHS.point, { ...selector, new: newName }), 'POST /point');
  }
}

/** How a key is told apart without being shown: `sha256:` and the first 16 hex digits of its SHA-256. */
// Parsing: every format decodes to the same JSON-like value; these turn it into typed records.

function malformed(where: string, reason: string): UpstreamUnavailableError {
  return new UpstreamUnavailableError(`Intellimeter answered ${where} with data this service cannot read: ${reason}`, {
    provider: PROVIDER,
  });
}

/**
 * One decoded object of the contract.ts shape `T`, read by that shape's field names, so that the connector
 * reads what the contract says. Lookups ignore case, spaces and underscores (`project_name`,
 * `project name`, `MeterParam`, `meterparam`): the seed's own texts spell fields either way.
 */
class JsonFields<T> {
  private constructor(
    private readonly values: Record<string, unknown>,
    private readonly where: string,
  ) {}

  static of<T>(value: unknown, where: string): JsonFields<T> {
    return new JsonFields<T>(asObject(value, where), where);
  }

  static listOf<T>(value: unknown, where: string): Array<JsonFields<T>> {
    return asList(value, where).map((item) => new JsonFields<T>(item, where));
  }

  private get(name: keyof T & string): unknown {
    const wanted = normalize(name);
    for (const [key, value] of Object.entries(this.values)) if (normalize(key) === wanted) return value;
    return undefined;
  }

  text(name: keyof T & string): string {
    const value = this.get(name);
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    throw malformed(this.where, `${name} is missing`);
  }

  optionalText(name: keyof T & string): string | null {
    const value = this.get(name);
    return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
  }

  number(name: keyof T & string): number {
    const value = this.optionalNumber(name);
    if (value === null) throw malformed(this.where, `${name} is not a number`);
    return value;
  }

  optionalNumber(name: keyof T & string): number | null {
    const value = this.get(name);
    const parsed = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    return Number.isFinite(parsed) ? parsed : null;
  }

  /**
   * `2019-10-30 13:15:00` (JSON) or `2019-10-30T13:15:00` (XML): the site's local time (an explicit offset
   * wins). A lone stamp in a repeated fall-back hour is read as its earlier instant.
   */
  time(name: keyof T & string, zone: string): Date {
    const value = this.text(name);
    try {
      return new Date(wallClockCandidates(value, zone)[0]!);
    } catch {
      throw malformed(this.where, `${name} "${value}" is not a date-time`);
    }
  }
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw malformed(where, 'expected an object');
  return value as Record<string, unknown>;
}

/** A list of objects; an empty list arrives as `{}` or `<Response></Response>`. */
function asList(value: unknown, where: string): Array<Record<string, unknown>> {
  if (Array.isArray(value)) return value.map((item) => asObject(item, where));
  if (value && typeof value === 'object' && Object.keys(value).length === 0) return [];
  throw malformed(where, 'expected a list');
}

function normalize(key: string): string {
  return key.replace(/[\s_]/g, '').toLowerCase();
}

export function parseAccount(body: unknown, zone: string): IntellimeterAccountRecord {
  const account = JsonFields.of<IntellimeterAccountJson>(body, 'the account');
  return {
    uuid: account.number('uuid'),
    project: account.number('project'),
    projectName: account.optionalText('project_name'),
    username: account.text('username'),
    email: account.text('email'),
    joined: account.time('joined', zone),
  };
}

export function parseUser(body: unknown, zone: string): IntellimeterUserRecord {
  const user = JsonFields.of<IntellimeterUserJson>(body, 'a user');
  return {
    uuid: user.number('uuid'),
    username: user.text('username'),
    email: user.text('email'),
    joined: user.time('joined', zone),
  };
}

export function parseKey(body: unknown, where: string): string {
  return JsonFields.of<IntellimeterKeyJson>(body, where).text('key');
}

export function parsePoint(body: unknown, where: string): IntellimeterPointRecord {
  const point = JsonFields.of<IntellimeterPointJson>(body, where);
  return {
    id: point.number('id'),
    name: point.text('MeterId'),
    modbusId: point.optionalNumber('ModbusId'),
    port: point.optionalText('Port'),
    phases: point.optionalNumber('NoPhases'),
    meterType: point.optionalText('MeterType'),
    modbusMap: point.optionalText('ModbusMap'),
    saveEveryMinutes: point.optionalNumber('SaveEvery'),
    startAddress: point.optionalNumber('startAddress'),
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
  return JsonFields.listOf<IntellimeterReadingJson>(body, where).map((row) => {
    const meter = row.text('MeterParam');
    const stamp = row.text('TimeStamping');
    let reader = readers.get(meter);
    if (!reader) readers.set(meter, (reader = new WallClockReader(zone)));
    let at: number;
    try {
      at = latestNotAfter === undefined ? reader.read(stamp) : reader.readLatest(stamp, latestNotAfter);
    } catch {
      throw malformed(where, `TimeStamping "${stamp}" is not a date-time`);
    }
    return { meter, at: new Date(at), value: row.number('value') };
  });
}

export function parseHistoryFile(type: FileType, body: string, zone: string): IntellimeterReadingRecord[] {
  const where = 'GET /file';
  try {
    if (type === 'csv') {
      const rows: unknown = parseCsv(body, { columns: true, skip_empty_lines: true, trim: true });
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
