import { createLoadProfile, SHARED_METERING_POINTS } from '../../../shared/simulator/index.js';
import { INTELLIMETER_SAVE_EVERY_MS } from '../contract.js';
import type { ApiAccount, SimulatedPoint, SimulatedUser } from './store.js';

/** The seeded site: one project, its two users and four Modbus meters (CONTRACT.md, "Simulator seed"). */

/** Registers count from here: the simulator's installation date. */
export const REGISTER_EPOCH_MS = Date.UTC(2026, 0, 1);
/** The instant the register of point 2 ("meter2") was reset to zero (a meter replacement). */
const METER2_RESET_AT_MS = Date.parse('2026-11-03T17:00:00Z');

export const SEED_PROJECT = { id: 1, name: 'Gridgraph demo site' };
/** The user the subgraph logs in as. */
export const API_ACCOUNT_UUID = 1;

export function seedUsers(apiAccount: ApiAccount): SimulatedUser[] {
  const users: Array<Omit<SimulatedUser, 'project'>> = [
    {
      uuid: API_ACCOUNT_UUID,
      username: apiAccount.username,
      email: 'api@gridgraph.example',
      password: apiAccount.password,
      joined: '2025-10-29 16:07:17',
      key: apiAccount.key,
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
  return users.map((user) => ({ ...user, project: SEED_PROJECT.id }));
}

type SeededPoint = Omit<SimulatedPoint, 'profile' | 'SaveEvery' | 'ModbusMap'> & { peakKw: number };

const SEED_POINTS: SeededPoint[] = [
  {
    id: 1,
    MeterId: 'meter1',
    ModbusId: 1,
    Port: 'USB0',
    NoPhases: '3',
    MeterType: 'I-45/MFX/636',
    startAddress: 1100,
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
    registerBase: 35757.359,
    resetAtMs: METER2_RESET_AT_MS,
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
    registerBase: 512.125,
    resetAtMs: null,
    peakKw: 3,
  },
];

/**
 * Which metering point the seeded points measure: Intellimeter records none (`/point` has no such
 * field), so the stack configures it as an operator would (the kit's metering-point mapping, by point
 * id). Points 1 and 2 measure the shared office and school connections; 3 and 4 are submeters.
 */
export const SEED_METERING_POINTS: Record<string, string> = {
  '1': SHARED_METERING_POINTS.officeEan,
  '2': SHARED_METERING_POINTS.schoolEan,
};

/** Fresh points (a rename changes one), each on a building load profile seeded by its name. */
export function seedPoints(): SimulatedPoint[] {
  return SEED_POINTS.map(({ peakKw, ...point }) => ({
    ...point,
    SaveEvery: INTELLIMETER_SAVE_EVERY_MS / 60_000,
    ModbusMap: 'Priority.ici',
    profile: createLoadProfile({ seed: `intellimeter:${point.MeterId}`, baseKw: peakKw / 8, peakKw }),
  }));
}
