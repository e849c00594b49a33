import type { Express } from 'express';
import { DateTime } from 'luxon';
import { bodyObject } from '../../../../shared/simulator/index.js';
import {
  VOLUE_PATHS,
  VOLUE_REPORT_PAYLOAD_TYPES,
  VOLUE_REPORT_RESOLUTION,
  type VolueReportPayload,
  type VolueReportRecord,
} from '../../contract.js';
import { apiRoute, StringBodyError } from '../http.js';
import type { StoredReport } from '../store.js';
import { HOUR_MS, stamp } from '../time.js';
import type { VolueRouteDeps } from './index.js';

/** Reports (current API): hourly energy usage for an event; a bad one is a 400 with a JSON string body. */
export function registerReportRoutes(app: Express, { store, now, requireBearer }: VolueRouteDeps): void {
  app.post(apiRoute(VOLUE_PATHS.reports), requireBearer, (req, res) => {
    const body = bodyObject(req);
    const eventId = body.eventId ?? null;
    if (eventId !== null && typeof eventId !== 'string') throw new StringBodyError(400, 'eventId must be a string');
    if (eventId !== null && !store.events.some((event) => event.id === eventId))
      throw new StringBodyError(400, `Event ${eventId} not found`);
    if (!Array.isArray(body.payloads) || body.payloads.length === 0) throw new StringBodyError(400, 'payloads must be a non-empty list');
    body.payloads.forEach((payload, index) => checkReportPayload(payload, index));
    const report: StoredReport = {
      id: store.nextId('report'),
      eventId: eventId as string | null,
      createdAt: stamp(now()),
      payloads: body.payloads as VolueReportPayload[],
    };
    store.reports.push(report);
    res.json({ id: report.id, eventId: report.eventId, createdAt: report.createdAt } satisfies VolueReportRecord);
  });
}

function checkReportPayload(payload: unknown, index: number): void {
  const where = `payloads[${index}]`;
  if (!payload || typeof payload !== 'object') throw new StringBodyError(400, `${where} must be an object`);
  const p = payload as Record<string, unknown>;
  if (!VOLUE_REPORT_PAYLOAD_TYPES.includes(p.payloadType as never)) {
    throw new StringBodyError(400, `${where}.payloadType must be one of ${VOLUE_REPORT_PAYLOAD_TYPES.join(', ')}`);
  }
  const required = p.payloadType === 'EnergyUsage' ? ['resourceId'] : ['locationId', 'meterPointId'];
  for (const key of required) if (typeof p[key] !== 'string' || !p[key]) throw new StringBodyError(400, `${where}.${key} is required`);
  if (p.resolution !== VOLUE_REPORT_RESOLUTION) {
    throw new StringBodyError(400, `${where}.resolution must be ${VOLUE_REPORT_RESOLUTION} (only hourly is supported)`);
  }
  if (!Array.isArray(p.points)) throw new StringBodyError(400, `${where}.points must be a list`);
  p.points.forEach((point: unknown, i: number) => {
    const { timestamp, kiloWattHours } = (point ?? {}) as Record<string, unknown>;
    const at = typeof timestamp === 'string' ? DateTime.fromISO(timestamp, { setZone: true }) : undefined;
    if (!at?.isValid || at.offset !== 0 || at.toMillis() % HOUR_MS !== 0) {
      throw new StringBodyError(400, `${where}.points[${i}].timestamp must be UTC at the start of an hour (yyyy-MM-ddTHH:00:00.000Z)`);
    }
    if (typeof kiloWattHours !== 'number' || !Number.isFinite(kiloWattHours) || kiloWattHours < 0) {
      throw new StringBodyError(400, `${where}.points[${i}].kiloWattHours must be a number ≥ 0`);
    }
  });
}
