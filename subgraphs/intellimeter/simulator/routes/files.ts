import type { Express, Request } from 'express';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import { HttpError, queryEnum, queryString } from '../../../../shared/simulator/index.js';
import {
  FILE_TYPES,
  INTELLIMETER_MAX_FILE_DAYS,
  INTELLIMETER_PATHS,
  INTELLIMETER_SAVE_EVERY_MS,
  type IntellimeterReadingJson,
} from '../../contract.js';
import { encode, MIME_TYPES } from '../../wire.js';
import { REGISTER_EPOCH_MS } from '../seed.js';
import type { IntellimeterRouteDeps } from './index.js';

const CSV_COLUMNS: Array<keyof IntellimeterReadingJson> = ['MeterParam', 'TimeStamping', 'value'];

/**
 * `/file`: every saved register of one `meter` or all, between the site-local days `start` and `end`
 * (either order, both included [C]), as csv (default), json, xml or yaml; nothing the meters have not
 * recorded yet, nothing before they were installed.
 */
export function registerFileRoutes(app: Express, { store, registers, clock, sessions }: IntellimeterRouteDeps): void {
  app.get(`/${INTELLIMETER_PATHS.file}`, sessions.require, (req, res) => {
    const first = fileDay(req, 'start', clock.zone);
    const second = fileDay(req, 'end', clock.zone);
    const [startDay, endDay] = first <= second ? [first, second] : [second, first];
    const days = endDay.diff(startDay, 'days').days + 1;
    if (days > INTELLIMETER_MAX_FILE_DAYS) {
      throw new HttpError(400, `A file covers at most ${INTELLIMETER_MAX_FILE_DAYS} days; this one asks for ${days}`);
    }
    const type = queryEnum(req, 'type', FILE_TYPES) ?? 'csv';
    const points = store.pointsNamed(queryString(req, 'meter'));
    const fromMs = Math.max(startDay.toMillis(), REGISTER_EPOCH_MS);
    const toMs = Math.min(endDay.plus({ days: 1 }).toMillis() - INTELLIMETER_SAVE_EVERY_MS, clock.latestSlot());
    const series = points.map((point) => registers.series(point, fromMs, toMs));
    const rows: IntellimeterReadingJson[] = [];
    for (let index = 0, at = fromMs; at <= toMs; index++, at += INTELLIMETER_SAVE_EVERY_MS) {
      const stamp = clock.stamp(at, type);
      points.forEach((point, which) => rows.push({ MeterParam: point.MeterId, TimeStamping: stamp, value: series[which]![index]! }));
    }
    res.attachment(`history_${startDay.toISODate()}_${endDay.toISODate()}.${type}`).type(MIME_TYPES[type]);
    res.send(type === 'csv' ? stringifyCsv(rows, { header: true, columns: CSV_COLUMNS }) : encode(type, rows));
  });
}

/** A `YYYY-mm-dd` day at the site's midnight. */
function fileDay(req: Request, name: string, zone: string): DateTime {
  const text = queryString(req, name);
  if (text === undefined) throw new HttpError(400, `${name} is required (YYYY-mm-dd)`);
  const day = /^\d{4}-\d{2}-\d{2}$/.test(text) ? DateTime.fromISO(text, { zone }) : undefined;
  if (!day?.isValid) throw new HttpError(400, `${name} must be a date as YYYY-mm-dd, got ${text}`);
  return day.startOf('day');
}
