import { randomBytes } from 'node:crypto';
import type { Express, Request, Response } from 'express';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import { ZoneRules } from '../../shared/time/zone-rules.js';
import { renderChartPng, type ChartKind } from '../../shared/simulator/charts.js';
import {
  createLoadProfile,
  type FaultSettings,
  HttpError,
  type LoadProfile,
  queryString,
  type RunningSimulator,
  SHARED_METERING_POINTS,
  startSimulator,
  TokenIssuer,
  faultsFromEnv,
} from '../../shared/simulator/index.js';
import type { SimulatorForSubgraph, SimulatorPlacement } from '../../shared/subgraph/provider.js';
import { INTELLIMETER_DEFAULT_TIME_ZONE } from './contract.js';
import { encode, FILE_TYPES, type FileType, MIME_TYPES, RESPONSE_TYPES, type ResponseType } from './wire.js';

/**
 * A local Intellimeter classic API (https://api.intellimeter.ca), route by route as the seed describes
 * it: a cookie-carried session, rotating API keys, 5-minute cumulative registers and intervals, users,
 * PNG charts, metering points and history files. Every JSON route also answers XML and YAML through
 * `responseType`; an unknown type is executed first and then answered 400, as the seed says. What is
 * inferred rather than documented is listed in CONTRACT.md next to this file.
 */

export const INTELLIMETER_SIMULATOR_API_KEY = '5a683c7dd6-c73b2a4313-f0fb321137-9123b7cec0';
export const INTELLIMETER_SIMULATOR_USERNAME = 'gridgraph';
export const INTELLIMETER_SIMULATOR_PASSWORD = 'gridgraph-simulator-password';
export const INTELLIMETER_SESSION_COOKIE = 'session';
/** The site's local time zone, in which every zone-less timestamp is written. */
/** The instant the seeded register of point 2 ("meter2") was reset to zero (a meter replacement). */
export const INTELLIMETER_SEED_RESET_AT = new Date('2026-11-03T17:00:00Z');
/** The longest history one /file call serves, in days (inferred; the seed names no limit). */
export const INTELLIMETER_MAX_FILE_DAYS = 93;

const SLOT_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
/** Registers count from here: the simulator's installation date. */
const REGISTER_EPOCH_MS = Date.UTC(2026, 0, 1);
const SESSION_LIFETIME_SECONDS = 3600;

export interface IntellimeterSimulatorOptions {
  port?: number;
  host?: string;
  /** The API key of the seeded API account. */
  apiKey?: string;
  faults?: Partial<FaultSettings>;
  /** The simulator's clock: registers advance every five minutes of it. */
  now?: () => Date;
  /** The site's local zone (default America/Toronto). */
  timeZone?: string;
}

export interface IntellimeterSimulator extends RunningSimulator {
  /** Every session ends at once (a test's "the session expired"). */
  expireSessions(): void;
  /** The current API key of the seeded API account (it changes on POST /key). */
  currentKey(): string;
  /** How many logins (PUT /session) succeeded. */
  readonly logins: number;
}

interface User {
  uuid: number;
  project: number;
  username: string;
  email: string;
  password: string;
  joined: string;
  key: string;
}

interface Point {
  id: number;
  MeterId: string;
  ModbusId: number;
  Port: string;
  NoPhases: string;
  MeterType: string;
  ModbusMap: string;
  SaveEvery: number;
  startAddress: number;
  /** The utility's metering point id (EAN) of the connection this meter measures; see CONTRACT.md. */
  MeteringPointId: string | null;
  /** Register value (kWh) at REGISTER_EPOCH_MS. */
  registerBase: number;
  /** When the register was reset to zero, if it was. */
  resetAtMs: number | null;
  profile: LoadProfile;
}

interface Store {
  users: Map<number, User>;
  points: Map<number, Point>;
  nextUuid: number;
}

const PROJECT = { id: 1, name: 'Gridgraph demo site' };

function seedStore(apiKey: string): Store {
  const users = new Map<number, User>();
  const seedUsers: Array<Omit<User, 'project'>> = [
    {
      uuid: 1,
      username: INTELLIMETER_SIMULATOR_USERNAME,
      email: 'api@gridgraph.example',
      password: INTELLIMETER_SIMULATOR_PASSWORD,
      joined: '2025-10-29 16:07:17',
      key: apiKey,
    },
    {
      uuid: 2,
      username: 'facilities',
      email: 'facilities@gridgraph.example',
      password: 'facilities-password',
      joined: '2025-10-31 14:45:12',
      key: 'f27a4f7186-d4a6635fe7-992d888955-284e0b037c',
    },
  ];
  for (const user of seedUsers) users.set(user.uuid, { ...user, project: PROJECT.id });

  const points = new Map<number, Point>();
  const seedPoints: Array<Omit<Point, 'profile' | 'SaveEvery' | 'ModbusMap'> & { peakKw: number }> = [
    {
      id: 1,
      MeterId: 'meter1',
      ModbusId: 1,
      Port: 'USB0',
      NoPhases: '3',
      MeterType: 'I-45/MFX/636',
      startAddress: 1100,
      MeteringPointId: SHARED_METERING_POINTS.officeEan,
      registerBase: 28540.24,
      resetAtMs: null,
      peakKw: 40,
    },
    {
      id: 2,
      MeterId: 'meter2',
      ModbusId: 2,
      Port: 'USB0',
      NoPhases: '3',
      MeterType: 'I-45/MFX/636',
      startAddress: 1100,
      MeteringPointId: SHARED_METERING_POINTS.schoolEan,
      registerBase: 35757.359,
      resetAtMs: INTELLIMETER_SEED_RESET_AT.getTime(),
      peakKw: 25,
    },
    {
      id: 3,
      MeterId: 'chiller',
      ModbusId: 3,
      Port: 'USB1',
      NoPhases: '3',
      MeterType: 'DENT PowerScout 3037',
      startAddress: 4000,
      MeteringPointId: null,
      registerBase: 1204.5,
      resetAtMs: null,
      peakKw: 12,
    },
    {
      id: 4,
      MeterId: 'lighting-east',
      ModbusId: 4,
      Port: 'USB1',
      NoPhases: '1',
      MeterType: 'I-45/MFX/636',
      startAddress: 1100,
      MeteringPointId: null,
      registerBase: 512.125,
      resetAtMs: null,
      peakKw: 3,
    },
  ];
  for (const { peakKw, ...point } of seedPoints) {
    points.set(point.id, {
      ...point,
      SaveEvery: 5,
      ModbusMap: 'Priority.ici',
      profile: createLoadProfile({ seed: `intellimeter:${point.MeterId}`, baseKw: peakKw / 8, peakKw }),
    });
  }
  return { users, points, nextUuid: 3 };
}

export async function startIntellimeterSimulator(options: IntellimeterSimulatorOptions = {}): Promise<IntellimeterSimulator> {
  const apiKey = options.apiKey ?? INTELLIMETER_SIMULATOR_API_KEY;
  const now = options.now ?? (() => new Date());
  const zone = options.timeZone ?? INTELLIMETER_DEFAULT_TIME_ZONE;
  // Luxon per timestamp would cost a history file tens of milliseconds on the shared event loop.
  const clock = ZoneRules.of(zone);
  const sessions = new TokenIssuer<number>(SESSION_LIFETIME_SECONDS);
  let store = seedStore(apiKey);
  let logins = 0;
  // Register at each UTC midnight since the epoch, per point id (energy sums are expensive to redo).
  const midnightEnergy = new Map<number, number[]>();

  /** Energy (kWh) from the register epoch to `ms` (a 5-minute boundary). */
  function energySinceEpoch(point: Point, ms: number): number {
    const days = midnightEnergy.get(point.id) ?? [0];
    midnightEnergy.set(point.id, days);
    const day = Math.floor((ms - REGISTER_EPOCH_MS) / DAY_MS);
    while (days.length <= day) {
      const start = REGISTER_EPOCH_MS + (days.length - 1) * DAY_MS;
      days.push(days[days.length - 1]! + point.profile.energyKwh(start, DAY_MS)!);
    }
    const midnight = REGISTER_EPOCH_MS + day * DAY_MS;
    return days[day]! + point.profile.energyKwh(midnight, ms - midnight)!;
  }

  /** The cumulative register (kWh, 3 decimals) at the 5-minute boundary `ms`. */
  function register(point: Point, ms: number): number {
    const reset = point.resetAtMs;
    const value =
      reset !== null && ms >= reset
        ? energySinceEpoch(point, ms) - energySinceEpoch(point, reset)
        : point.registerBase + energySinceEpoch(point, ms);
    return Math.round(value * 1000) / 1000;
  }

  /** Registers every 5 minutes from `fromMs` to `toMs` (both included), summed slot by slot (fast for long files). */
  function registerSeries(point: Point, fromMs: number, toMs: number): number[] {
    const values: number[] = [];
    let value = fromMs <= toMs ? register(point, fromMs) : 0;
    for (let at = fromMs; at <= toMs; at += SLOT_MS) {
      if (at > fromMs) value = at === point.resetAtMs ? 0 : value + point.profile.energyKwh(at - SLOT_MS, SLOT_MS)!;
      values.push(Math.round(value * 1000) / 1000);
    }
    return values;
  }

  /** The last 5-minute boundary reached by the simulated clock. */
  function latestSlot(): number {
    return Math.floor(now().getTime() / SLOT_MS) * SLOT_MS;
  }

  /** Zone-less site-local time, as Intellimeter writes it: JSON "2019-10-30 13:15:00", XML "2019-10-30T13:15:00". */
  function localStamp(ms: number, type: string): string {
    return clock.wallClock(ms, type === 'xml' ? 'T' : ' ');
  }

  function responseType(req: Request): string {
    return queryString(req, 'responseType') ?? 'json';
  }

  /** Answers in the asked format; an unknown one is refused only now, after the route has done its work. */
  function send(req: Request, res: Response, body: unknown): void {
    const type = responseType(req);
    if (!(RESPONSE_TYPES as readonly string[]).includes(type)) {
      throw new HttpError(400, `responseType must be one of ${RESPONSE_TYPES.join(', ')}; the request was executed`);
    }
    const value = typeof body === 'function' ? (body as (type: string) => unknown)(type) : body;
    res.type(MIME_TYPES[type as ResponseType]).send(encode(type as ResponseType, value));
  }

  /** A request parameter from the query string, a form body or a JSON body. */
  function param(req: Request, name: string): string | undefined {
    const fromQuery = queryString(req, name);
    if (fromQuery !== undefined) return fromQuery;
    const body = req.body as Record<string, unknown> | undefined;
    const value = body && typeof body === 'object' ? body[name] : undefined;
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' && typeof value !== 'number') throw new HttpError(400, `${name} must be a string`);
    return String(value);
  }

  function sessionToken(req: Request): string | undefined {
    const header = req.get('cookie') ?? '';
    for (const part of header.split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name === INTELLIMETER_SESSION_COOKIE) return decodeURIComponent(rest.join('='));
    }
    return undefined;
  }

  function requireUser(req: Request): User {
    const uuid = sessions.subjectOf(sessionToken(req));
    const user = uuid === undefined ? undefined : store.users.get(uuid);
    if (!user) throw new HttpError(401, 'Not logged in: PUT /session with your key first');
    return user;
  }

  function account(user: User, type: string) {
    return {
      uuid: user.uuid,
      project: user.project,
      username: user.username,
      email: user.email,
      joined: user.joined,
      ...(type === 'xml' ? { xml: true } : {}),
      project_name: PROJECT.name,
    };
  }

  function publicUser(user: User) {
    return { uuid: user.uuid, username: user.username, email: user.email, joined: user.joined };
  }

  function pointBody(point: Point) {
    const { profile: _profile, registerBase: _base, resetAtMs: _reset, ...visible } = point;
    return visible;
  }

  function usernameTaken(username: string, except?: number): boolean {
    return [...store.users.values()].some((user) => user.username === username && user.uuid !== except);
  }

  /** By `id` (wins) or `name`; 400 without either, 404 when there is none. */
  function findPoint(req: Request): Point {
    const id = param(req, 'id');
    const name = param(req, 'name');
    if (id !== undefined) {
      const point = /^\d+$/.test(id) ? store.points.get(Number(id)) : undefined;
      if (!point) throw new HttpError(404, `No metering point has id ${id}`);
      return point;
    }
    if (name !== undefined) {
      const point = [...store.points.values()].find((candidate) => candidate.MeterId === name);
      if (!point) throw new HttpError(404, `No metering point is named ${name}`);
      return point;
    }
    throw new HttpError(400, 'Give the metering point as id or name');
  }

  function pointByName(name: string | undefined): Point[] {
    if (name === undefined) return [...store.points.values()];
    const point = [...store.points.values()].find((candidate) => candidate.MeterId === name);
    if (!point) throw new HttpError(404, `No metering point is named ${name}`);
    return [point];
  }

  function newKey(): string {
    const hex = randomBytes(20).toString('hex');
    return [0, 10, 20, 30].map((at) => hex.slice(at, at + 10)).join('-');
  }

  function hourlyEnergy(point: Point, endMs: number, hours: number): number[] {
    const values: number[] = [];
    for (let hour = hours; hour > 0; hour--) {
      const from = endMs - hour * 3_600_000;
      values.push(Math.round((register(point, from + 3_600_000) - register(point, from)) * 1000) / 1000);
    }
    return values.map((value) => Math.max(0, value));
  }

  function configure(app: Express): void {
    // Session

    app.get('/session', (req, res) => {
      const user = requireUser(req);
      send(req, res, (type: string) => account(user, type));
    });

    app.put('/session', (req, res) => {
      const key = param(req, 'key');
      const username = param(req, 'username');
      const password = param(req, 'password');
      const user = [...store.users.values()].find((candidate) =>
        key !== undefined
          ? candidate.key === key
          : username !== undefined && candidate.username === username && candidate.password === password,
      );
      if (!user) throw new HttpError(401, 'Could not log you in');
      const { token } = sessions.issue(user.uuid);
      logins++;
      res.cookie(INTELLIMETER_SESSION_COOKIE, token, { httpOnly: true, path: '/' });
      send(req, res, { uuid: user.uuid });
    });

    app.delete('/session', (req, res) => {
      requireUser(req);
      sessions.revoke(sessionToken(req)!);
      res.clearCookie(INTELLIMETER_SESSION_COOKIE, { path: '/' });
      send(req, res, {});
    });

    // Key

    app.get('/key', (req, res) => {
      const user = requireUser(req);
      send(req, res, { key: user.key });
    });

    app.post('/key', (req, res) => {
      const user = requireUser(req);
      user.key = newKey();
      send(req, res, { key: user.key });
    });

    // Readings

    app.get('/data', (req, res) => {
      requireUser(req);
      const at = latestSlot();
      send(req, res, (type: string) =>
        [...store.points.values()].map((point) => ({
          MeterParam: point.MeterId,
          TimeStamping: localStamp(at, type),
          value: register(point, at),
        })),
      );
    });

    app.get('/interval', (req, res) => {
      requireUser(req);
      const at = latestSlot();
      send(req, res, (type: string) =>
        [...store.points.values()].map((point) => ({
          MeterParam: point.MeterId,
          TimeStamping: localStamp(at, type),
          value: Math.max(0, Math.round((register(point, at) - register(point, at - SLOT_MS)) * 1000) / 1000),
        })),
      );
    });

    // Users

    app.get('/user', (req, res) => {
      const me = requireUser(req);
      send(req, res, [...store.users.values()].filter((user) => user.project === me.project).map(publicUser));
    });

    app.post('/user', (req, res) => {
      const me = requireUser(req);
      const username = param(req, 'username')?.trim();
      const password = param(req, 'password');
      const email = param(req, 'email')?.trim();
      if (username !== undefined && (username === '' || usernameTaken(username, me.uuid))) {
        throw new HttpError(
          username === '' ? 400 : 409,
          username === '' ? 'username must not be empty' : `The username ${username} is taken`,
        );
      }
      if (email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(email)) throw new HttpError(400, 'email is not an email address');
      if (username !== undefined) me.username = username;
      if (password !== undefined) me.password = password;
      if (email !== undefined) me.email = email;
      send(req, res, (type: string) => account(me, type));
    });

    app.put('/user', (req, res) => {
      const me = requireUser(req);
      const username = param(req, 'username')?.trim();
      const password = param(req, 'password');
      const email = param(req, 'email')?.trim();
      if (!username || !password || !email) throw new HttpError(400, 'username, password and email are required');
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new HttpError(400, 'email is not an email address');
      if (usernameTaken(username)) throw new HttpError(409, `The username ${username} is taken`);
      const user: User = {
        uuid: store.nextUuid++,
        project: me.project,
        username,
        email,
        password,
        joined: localStamp(now().getTime(), 'json'),
        key: newKey(),
      };
      store.users.set(user.uuid, user);
      send(req, res, (type: string) => account(user, type));
    });

    app.delete('/user', (req, res) => {
      const me = requireUser(req);
      store.users.delete(me.uuid);
      sessions.revokeWhere((uuid) => uuid === me.uuid);
      res.clearCookie(INTELLIMETER_SESSION_COOKIE, { path: '/' });
      send(req, res, {});
    });

    // Charts

    app.get('/graphics', async (req, res) => {
      requireUser(req);
      const type = (queryString(req, 'type') ?? 'pie') as ChartKind;
      if (!['pie', 'bar', 'line'].includes(type)) throw new HttpError(400, 'type must be one of pie, bar, line');
      const width = chartSize(req, 'width', 16);
      const height = chartSize(req, 'height', 9);
      const meter = queryString(req, 'meter');
      const end = latestSlot() - (latestSlot() % 3_600_000);
      const labels = Array.from({ length: 24 }, (_, index) => localStamp(end - (24 - index) * 3_600_000, 'json').slice(11, 16));
      let png: Buffer;
      if (meter !== undefined) {
        // "Generates a line graph of the meter's historical data. This overrides the type property."
        const [point] = pointByName(meter);
        png = await renderChartPng({
          kind: 'line',
          width,
          height,
          title: `${point!.MeterId}: kWh per hour, last 24 hours`,
          labels,
          series: [{ label: point!.MeterId, values: hourlyEnergy(point!, end, 24) }],
          background: '#ffffff',
        });
      } else {
        const points = [...store.points.values()];
        png =
          type === 'pie'
            ? await renderChartPng({
                kind: 'pie',
                width,
                height,
                title: 'kWh per meter, last 24 hours',
                labels: points.map((point) => point.MeterId),
                series: [{ label: 'kWh', values: points.map((point) => hourlyEnergy(point, end, 24).reduce((a, b) => a + b, 0)) }],
                background: '#ffffff',
              })
            : await renderChartPng({
                kind: type,
                width,
                height,
                title: 'kWh per hour, last 24 hours',
                labels,
                series: points.map((point) => ({ label: point.MeterId, values: hourlyEnergy(point, end, 24) })),
                background: '#ffffff',
              });
      }
      res.type('image/png').send(png);
    });

    // Metering points

    app.get('/point', (req, res) => {
      requireUser(req);
      const point = findPoint(req);
      send(req, res, pointBody(point));
    });

    app.post('/point', (req, res) => {
      requireUser(req);
      const point = findPoint(req);
      const name = param(req, 'new')?.trim();
      if (!name) throw new HttpError(400, 'new (the new name) is required');
      const clash = [...store.points.values()].find((other) => other.MeterId === name && other.id !== point.id);
      if (clash) throw new HttpError(409, `Another metering point (id ${clash.id}) is already named ${name}`);
      point.MeterId = name;
      send(req, res, pointBody(point));
    });

    // History files

    app.get('/file', (req, res) => {
      requireUser(req);
      const first = fileDay(req, 'start', zone);
      const second = fileDay(req, 'end', zone);
      const [startDay, endDay] = first <= second ? [first, second] : [second, first];
      const days = endDay.diff(startDay, 'days').days + 1;
      if (days > INTELLIMETER_MAX_FILE_DAYS) {
        throw new HttpError(400, `A file covers at most ${INTELLIMETER_MAX_FILE_DAYS} days; this one asks for ${days}`);
      }
      const type = (queryString(req, 'type') ?? 'csv') as FileType;
      if (!FILE_TYPES.includes(type)) throw new HttpError(400, `type must be one of ${FILE_TYPES.join(', ')}`);
      const points = pointByName(queryString(req, 'meter'));
      // The meters were installed at the register epoch: no history before it.
      const fromMs = Math.max(startDay.toMillis(), REGISTER_EPOCH_MS);
      // Both days are included: up to the end day's last reading, but nothing the meters have not yet recorded.
      const toMs = Math.min(endDay.plus({ days: 1 }).toMillis() - SLOT_MS, latestSlot());
      const rows: Array<{ MeterParam: string; TimeStamping: string; value: number }> = [];
      const series = points.map((point) => registerSeries(point, fromMs, toMs));
      for (let index = 0, at = fromMs; at <= toMs; index++, at += SLOT_MS) {
        const stamp = localStamp(at, type);
        points.forEach((point, which) => rows.push({ MeterParam: point.MeterId, TimeStamping: stamp, value: series[which]![index]! }));
      }
      const name = `history_${startDay.toISODate()}_${endDay.toISODate()}.${type}`;
      res.attachment(name).type(MIME_TYPES[type]);
      res.send(
        type === 'csv' ? stringifyCsv(rows, { header: true, columns: ['MeterParam', 'TimeStamping', 'value'] }) : encode(type, rows),
      );
    });
  }

  const simulator = await startSimulator({
    name: 'intellimeter',
    port: options.port,
    host: options.host,
    faults: options.faults,
    configure,
    onReset: () => {
      store = seedStore(apiKey);
      sessions.expireAll();
      logins = 0;
    },
  });

  const extended = Object.assign(simulator, {
    expireSessions: () => sessions.expireAll(),
    currentKey: () => store.users.get(1)?.key ?? '',
  });
  // A live getter (Object.assign would copy today's value).
  return Object.defineProperty(extended, 'logins', { get: () => logins, enumerable: true }) as IntellimeterSimulator;
}

/** Width or height "in thousands of pixels" per the seed, read as hundreds (16 × 9 → 1600 × 900 px; CONTRACT.md). */
function chartSize(req: Request, name: string, fallback: number): number {
  const text = queryString(req, name);
  if (text === undefined) return fallback * 100;
  const value = Number(text);
  const pixels = Math.round(value * 100);
  if (text.trim() === '' || !Number.isFinite(value) || pixels < 16 || pixels > 4096) {
    throw new HttpError(400, `${name} must be a number from 0.16 to 40.96 (hundreds of pixels)`);
  }
  return pixels;
}

/** A `YYYY-mm-dd` day at the site's midnight. */
function fileDay(req: Request, name: string, zone: string): DateTime {
  const text = queryString(req, name);
  if (text === undefined) throw new HttpError(400, `${name} is required (YYYY-mm-dd)`);
  const day = /^\d{4}-\d{2}-\d{2}$/.test(text) ? DateTime.fromISO(text, { zone }) : undefined;
  if (!day?.isValid) throw new HttpError(400, `${name} must be a date as YYYY-mm-dd, got ${text}`);
  return day.startOf('day');
}

/** For the kit (shared/subgraph/provider.ts): the simulator a subgraph without INTELLIMETER_API_URL runs against. */
export async function startForSubgraph(env: NodeJS.ProcessEnv, { host, port, now }: SimulatorPlacement): Promise<SimulatorForSubgraph> {
  const apiKey = env.INTELLIMETER_API_KEY || INTELLIMETER_SIMULATOR_API_KEY;
  const simulator = await startIntellimeterSimulator({
    host,
    port,
    apiKey,
    timeZone: env.INTELLIMETER_TIME_ZONE || undefined,
    now: now && (() => new Date(now())),
    faults: faultsFromEnv('INTELLIMETER', env),
  });
  return { simulator, env: { INTELLIMETER_API_URL: simulator.url, INTELLIMETER_API_KEY: apiKey } };
}
