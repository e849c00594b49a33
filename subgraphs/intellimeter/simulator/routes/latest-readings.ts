import type { Express, RequestHandler } from 'express';
import { INTELLIMETER_PATHS, INTELLIMETER_SAVE_EVERY_MS, type IntellimeterReadingJson } from '../../contract.js';
import { send } from '../http.js';
import type { SimulatedPoint } from '../store.js';
import type { IntellimeterRouteDeps } from './index.js';

/**
 * `/data`, each point's newest register, and `/interval`, the energy of the five minutes that register
 * closes (stamped at the interval's end [I]); both move on every five minutes of the simulator's clock.
 */
export function registerLatestReadingRoutes(app: Express, { store, registers, clock, sessions }: IntellimeterRouteDeps): void {
  /** Each point's `valueAt` the newest saved slot, stamped with that slot. */
  function latest(valueAt: (point: SimulatedPoint, at: number) => number): RequestHandler {
    return (req, res) => {
      const at = clock.latestSlot();
      send(req, res, (type: string) =>
        [...store.points.values()].map(
          (point): IntellimeterReadingJson => ({
            MeterParam: point.MeterId,
            TimeStamping: clock.stamp(at, type),
            value: valueAt(point, at),
          }),
        ),
      );
    };
  }

  const saved = (point: SimulatedPoint, at: number) => registers.at(point, at);
  const lastFiveMinutes = (point: SimulatedPoint, at: number) => registers.energyBetween(point, at - INTELLIMETER_SAVE_EVERY_MS, at);
  app.get(`/${INTELLIMETER_PATHS.data}`, sessions.require, latest(saved));
  app.get(`/${INTELLIMETER_PATHS.interval}`, sessions.require, latest(lastFiveMinutes));
}
