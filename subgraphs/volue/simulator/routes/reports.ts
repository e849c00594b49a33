import type { Express } from 'express';
import { DateTime } from 'luxon';
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
import { requestBody } from '../validation.js';
import type { VolueRouteDeps } from './index.js';

/** Reports: one per event with payloads of every type the spec has; a bad one is a 400 with a JSON string body. */
export function registerReportRoutes(app: Express, { store, now, requireBearer }: VolueRouteDeps): void {
  app.post(apiRoute(VOLUE_PATHS.reports), requireBearer, (req, res) => {
    const body = requestBody(req, 'string');
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

/** Fields each payload type requires besides its points (LocationLPC acknowledgements need only their lists). */
const REQUIRED_FIELDS: Record<(typeof VOLUE_REPORT_PAYLOAD_TYPES)[number], string[]> = {
  EnergyUsage: ['resourceId'],
  LocationEnergyUsage: ['locationId', 'meterPointId'],
  LocationEnergyUsagePlan: ['locationId', 'meterPointId'],
  ResourceLPCAcknowledgement: [],
  LocationLPCAcknowledgement: [],
};
/** The lists of energy points each payload type carries. */
const POINT_LISTS: Record<(typeof VOLUE_REPORT_PAYLOAD_TYPES)[number], string[]> = {
  EnergyUsage: ['points'],
  LocationEnergyUsage: ['points'],
  LocationEnergyUsagePlan: ['baseline', 'flexibility'],
  ResourceLPCAcknowledgement: [],
  LocationLPCAcknowledgement: [],
};

function checkReportPayload(payload: unknown, index: number): void {
  const where = `payloads[${index}]`;
  if (!payload || typeof payload !== 'object') throw new StringBodyError(400, `${where} must be an object`);
  const p = payload as Record<string, unknown>;
  const type = p.payloadType as (typeof VOLUE_REPORT_PAYLOAD_TYPES)[number];
  if (!VOLUE_REPORT_PAYLOAD_TYPES.includes(type)) {
    throw new StringBodyError(400, `${where}.payloadType must be one of ${VOLUE_REPORT_PAYLOAD_TYPES.join(', ')}`);
  }
  for (const key of REQUIRED_FIELDS[type])
    if (typeof p[key] !== 'string' || !p[key]) throw new StringBodyError(400, `${where}.${key} is required`);
  if (POINT_LISTS[type].length > 0 && p.resolution !== VOLUE_REPORT_RESOLUTION) {
    throw new StringBodyError(400, `${where}.resolution must be ${VOLUE_REPORT_RESOLUTION} (only hourly is supported)`);
  }
  for (const list of POINT_LISTS[type]) checkEnergyPoints(p[list], `${where}.${list}`);
  if (POINT_LISTS[type].length === 0) {
    const targetKeys =
      type === 'ResourceLPCAcknowledgement' ? ['resourceId', 'locationId', 'meterPointId'] : ['locationId', 'meterPointId'];
    for (const list of ['acknowledgedTargets', 'declinedTargets']) {
      const targets = p[list] ?? [];
      if (!Array.isArray(targets) || !targets.every((t) => t && targetKeys.every((key) => typeof t[key] === 'string' && t[key])))
        throw new StringBodyError(400, `${where}.${list} must be a list of targets, each with ${targetKeys.join(', ')}`);
    }
  }
}

function checkEnergyPoints(points: unknown, where: string): void {
  if (!Array.isArray(points)) throw new StringBodyError(400, `${where} must be a list`);
  points.forEach((point: unknown, i: number) => {
    const { timestamp, kiloWattHours } = (point ?? {}) as Record<string, unknown>;
    const at = typeof timestamp === 'string' ? DateTime.fromISO(timestamp, { setZone: true }) : undefined;
    if (!at?.isValid || at.offset !== 0 || at.toMillis() % HOUR_MS !== 0) {
      throw new StringBodyError(400, `${where}[${i}].timestamp must be UTC at the start of an hour (yyyy-MM-ddTHH:00:00.000Z)`);
    }
    if (typeof kiloWattHours !== 'number' || !Number.isFinite(kiloWattHours)) {
      throw new StringBodyError(400, `${where}[${i}].kiloWattHours must be a number`);
    }
  });
}
