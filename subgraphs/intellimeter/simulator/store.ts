import { randomBytes } from 'node:crypto';
import { HttpError, type LoadProfile } from '../../../shared/simulator/index.js';
import type { IntellimeterAccountJson, IntellimeterPointJson } from '../contract.js';
import { API_ACCOUNT_UUID, seedPoints, seedUsers } from './seed.js';

/** A user as the simulator keeps it: what its account shows, its password and its current API key. */
export interface SimulatedUser extends Omit<IntellimeterAccountJson, 'xml' | 'project_name'> {
  password: string;
  key: string;
}

/** A metering point: what `/point` shows, and what its register counts. */
export interface SimulatedPoint extends IntellimeterPointJson {
  /** Register value (kWh) at the register epoch (seed.ts). */
  registerBase: number;
  /** When the register was reset to zero, if it was. */
  resetAtMs: number | null;
  profile: LoadProfile;
}

/** The login of the seeded API account, the user the subgraph logs in as. */
export interface ApiAccount {
  username: string;
  password: string;
  key: string;
}

/**
 * The simulator's in-memory state: the seeded site (users and points), then what requests changed;
 * `reset()` returns it to the seed. New users are numbered after the seeded ones.
 */
export class IntellimeterSimulatorStore {
  readonly users = new Map<number, SimulatedUser>();
  readonly points = new Map<number, SimulatedPoint>();
  private nextUuid = 0;

  constructor(private readonly apiAccount: ApiAccount) {
    this.reset();
  }

  reset(): void {
    this.users.clear();
    for (const user of seedUsers(this.apiAccount)) this.users.set(user.uuid, user);
    this.points.clear();
    for (const point of seedPoints()) this.points.set(point.id, point);
    this.nextUuid = Math.max(...this.users.keys()) + 1;
  }

  /** The API account's current key (it changes on POST /key). */
  apiKey(): string {
    return this.users.get(API_ACCOUNT_UUID)?.key ?? '';
  }

  /** The user a login names: by API key when one is given, else by username and password. */
  userByLogin(login: { key?: string; username?: string; password?: string }): SimulatedUser | undefined {
    const { key, username, password } = login;
    return [...this.users.values()].find((candidate) =>
      key !== undefined
        ? candidate.key === key
        : username !== undefined && candidate.username === username && candidate.password === password,
    );
  }

  usernameTaken(username: string, exceptUuid?: number): boolean {
    return [...this.users.values()].some((user) => user.username === username && user.uuid !== exceptUuid);
  }

  /** A new user, numbered next, with an API key of its own. */
  addUser(fields: Omit<SimulatedUser, 'uuid' | 'key'>): SimulatedUser {
    const user: SimulatedUser = { uuid: this.nextUuid++, ...fields, key: newApiKey() };
    this.users.set(user.uuid, user);
    return user;
  }

  /** The point named `name`, or a 404. */
  pointNamed(name: string): SimulatedPoint {
    const point = [...this.points.values()].find((candidate) => candidate.MeterId === name);
    if (!point) throw new HttpError(404, `No metering point is named ${name}`);
    return point;
  }

  /** The point named `name`, or (without a name) every point of the site. */
  pointsNamed(name: string | undefined): SimulatedPoint[] {
    return name === undefined ? [...this.points.values()] : [this.pointNamed(name)];
  }
}

/** An API key in Intellimeter's shape: four groups of ten hex digits. */
export function newApiKey(): string {
  const hex = randomBytes(20).toString('hex');
  return [0, 10, 20, 30].map((at) => hex.slice(at, at + 10)).join('-');
}
