import type { Express, Request } from 'express';
import { bodyObject, enumField, HttpError, queryEnum, queryString, stringField } from '../../../../shared/simulator/index.js';
import { OPENVOLT_CONSENT_SORT_ORDERS, OPENVOLT_CONSENT_TYPES, OPENVOLT_PATHS } from '../../contract.js';
import { apiRoute, calendarDate, ID_PARAM, matchesMetadata, metadataField, metadataFilter, paginate, pathId } from '../request.js';
import { SEED_ACCOUNT_ID } from '../seed.js';
import { optional, type SimulatedConsent } from '../store.js';
import type { OpenvoltRouteDeps } from './index.js';

/** `/consents`: list (filtered, sorted), read, record, archive (its meters become inactive). */
export function registerConsentRoutes(app: Express, { store, now, requireApiKey }: OpenvoltRouteDeps): void {
  app.get(apiRoute(OPENVOLT_PATHS.consents), requireApiKey, (req, res) => {
    res.json({ data: paginate(req, listedConsents(req, [...store.consents.values()])) });
  });

  app.get(apiRoute(OPENVOLT_PATHS.consent(ID_PARAM)), requireApiKey, (req, res) => {
    res.json(store.consent(pathId(req)));
  });

  app.post(apiRoute(OPENVOLT_PATHS.consents), requireApiKey, (req, res) => {
    const body = bodyObject(req);
    const customerId = stringField(body, 'customer_id', true)!;
    const type = enumField(body, 'type', OPENVOLT_CONSENT_TYPES, true)!;
    const name = stringField(body, 'name');
    const start = calendarDate(stringField(body, 'start_date', true)!, 'start_date');
    const end = calendarDate(stringField(body, 'end_date', true)!, 'end_date');
    const evidenceDocumentId = stringField(body, 'evidence_document_id', true)!;
    const metadata = metadataField(body) ?? {};
    if (start > end) throw new HttpError(400, 'start_date must not be after end_date');
    if (!store.customers.has(customerId)) throw new HttpError(400, `No customer with _id ${customerId}`);
    // The spec requires the id of a document (POST /documents); an id that names none is refused.
    if (!store.documents.has(evidenceDocumentId)) throw new HttpError(400, `No document with _id ${evidenceDocumentId}`);
    const consent: SimulatedConsent = {
      _id: store.nextId('consent'),
      object: 'consent',
      account: SEED_ACCOUNT_ID,
      customer_id: customerId,
      type,
      ...optional('name', name),
      start_date: start.toISODate()!,
      end_date: end.toISODate()!,
      metadata,
      evidence_document_id: evidenceDocumentId,
      status: 'active',
      archived_at: null,
      created_at: now().toISOString(),
      __v: 0,
    };
    store.consents.set(consent._id, consent);
    res.json(consent);
  });

  app.post(apiRoute(OPENVOLT_PATHS.consentArchive(ID_PARAM)), requireApiKey, (req, res) => {
    const consent = store.consent(pathId(req));
    if (consent.status !== 'archived') {
      consent.status = 'archived';
      consent.archived_at = now().toISOString();
      // Meters lose the consent's authority to pull data.
      for (const meter of store.meters.values()) {
        if (meter.consent_id === consent._id) meter.status = 'inactive';
      }
    }
    res.json(consent);
  });
}

/** The consents `GET /consents` lists, in its order: creation order unless sorted by a date. */
function listedConsents(req: Request, consents: SimulatedConsent[]): SimulatedConsent[] {
  const customerId = queryString(req, 'customer_id');
  const name = queryString(req, 'name');
  const startParam = queryString(req, 'start_date');
  const endParam = queryString(req, 'end_date');
  const startsFrom = startParam === undefined ? undefined : calendarDate(startParam, 'start_date').toISODate()!;
  const endsBy = endParam === undefined ? undefined : calendarDate(endParam, 'end_date').toISODate()!;
  const sortBy = queryEnum(req, 'sort_by', OPENVOLT_CONSENT_SORT_ORDERS);
  const metadata = metadataFilter(req);
  const listed = consents.filter(
    (consent) =>
      (customerId === undefined || consent.customer_id === customerId) &&
      (name === undefined || consent.name === name) &&
      (startsFrom === undefined || consent.start_date >= startsFrom) &&
      (endsBy === undefined || consent.end_date <= endsBy) &&
      matchesMetadata(consent.metadata, metadata),
  );
  if (sortBy === 'start_date') listed.sort((a, b) => a.start_date.localeCompare(b.start_date));
  if (sortBy?.startsWith('end_date')) {
    listed.sort((a, b) => a.end_date.localeCompare(b.end_date) || a.start_date.localeCompare(b.start_date));
  }
  return listed;
}
