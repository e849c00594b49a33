import type { Express, Request } from 'express';
import { HttpError } from '../../../../shared/simulator/index.js';
import { INTELLIMETER_PATHS } from '../../contract.js';
import { param, send } from '../http.js';
import { pointJson } from '../json.js';
import type { IntellimeterSimulatorStore, SimulatedPoint } from '../store.js';
import type { IntellimeterRouteDeps } from './index.js';

/** `/point`: one metering point by `id` or `name` (GET), renamed to `new` (POST; 409 when the name is taken [I]). */
export function registerPointRoutes(app: Express, { store, sessions }: IntellimeterRouteDeps): void {
  const path = `/${INTELLIMETER_PATHS.point}`;

  app.get(path, sessions.require, (req, res) => {
    send(req, res, pointJson(findPoint(store, req)));
  });

  app.post(path, sessions.require, (req, res) => {
    const point = findPoint(store, req);
    const name = param(req, 'new')?.trim();
    if (!name) throw new HttpError(400, 'new (the new name) is required');
    const clash = [...store.points.values()].find((other) => other.MeterId === name && other.id !== point.id);
    if (clash) throw new HttpError(409, `Another metering point (id ${clash.id}) is already named ${name}`);
    point.MeterId = name;
    send(req, res, pointJson(point));
  });
}

/** By `id` (wins) or `name` [C]; 400 without either, 404 when there is none [I]. */
function findPoint(store: IntellimeterSimulatorStore, req: Request): SimulatedPoint {
  const id = param(req, 'id');
  const name = param(req, 'name');
  if (id !== undefined) {
    const point = /^\d+$/.test(id) ? store.points.get(Number(id)) : undefined;
    if (!point) throw new HttpError(404, `No metering point has id ${id}`);
    return point;
  }
  if (name !== undefined) return store.pointNamed(name);
  throw new HttpError(400, 'Give the metering point as id or name');
}
