import type { IntellimeterAccountJson, IntellimeterPointJson, IntellimeterUserJson } from '../contract.js';
import { SEED_PROJECT } from './seed.js';
import type { SimulatedPoint, SimulatedUser } from './store.js';

/** The store's records in the shapes Intellimeter answers with (contract.ts). */

/** An account; XML carries the session's `xml` flag too [C]. */
export function accountJson(user: SimulatedUser, responseType: string): IntellimeterAccountJson {
  return {
    uuid: user.uuid,
    project: user.project,
    username: user.username,
    email: user.email,
    joined: user.joined,
    ...(responseType === 'xml' ? { xml: true } : {}),
    project_name: SEED_PROJECT.name,
  };
}

/** What `/user` tells of each user of the site. */
export function userJson(user: SimulatedUser): IntellimeterUserJson {
  return { uuid: user.uuid, username: user.username, email: user.email, joined: user.joined };
}

export function pointJson(point: SimulatedPoint): IntellimeterPointJson {
  return {
    id: point.id,
    MeterId: point.MeterId,
    ModbusId: point.ModbusId,
    Port: point.Port,
    NoPhases: point.NoPhases,
    MeterType: point.MeterType,
    startAddress: point.startAddress,
    SaveEvery: point.SaveEvery,
    ModbusMap: point.ModbusMap,
  };
}
