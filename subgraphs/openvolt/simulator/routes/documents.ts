import type { Express, Request } from 'express';
import { HttpError, queryEnum, queryString } from '../../../../shared/simulator/index.js';
import { OPENVOLT_CONSENT_SORT_ORDERS, OPENVOLT_DOCUMENT_PURPOSES, OPENVOLT_PATHS, type OpenvoltDocumentRecord } from '../../contract.js';
import { apiRoute, ID_PARAM, matchesMetadata, metadataFilter, paginate, pathId } from '../request.js';
import { SEED_ACCOUNT_ID } from '../seed.js';
import type { SimulatedDocument } from '../store.js';
import type { OpenvoltRouteDeps } from './index.js';

/** Largest upload the simulator takes (Openvolt publishes none; inferred, CONTRACT.md). */
export const OPENVOLT_SIMULATOR_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** `/documents`: list (name, purpose, metadata), read, upload (multipart), download the file. */
export function registerDocumentRoutes(app: Express, { store, now, requireApiKey }: OpenvoltRouteDeps): void {
  app.get(apiRoute(OPENVOLT_PATHS.documents), requireApiKey, (req, res) => {
    const name = queryString(req, 'name');
    const purpose = queryEnum(req, 'purpose', OPENVOLT_DOCUMENT_PURPOSES);
    queryEnum(req, 'sort_by', OPENVOLT_CONSENT_SORT_ORDERS); // the spec's values; documents have no such dates, so upload order stays
    const metadata = metadataFilter(req);
    const documents = [...store.documents.values()].filter(
      (document) =>
        (name === undefined || document.name === name) &&
        (purpose === undefined || document.purpose === purpose) &&
        matchesMetadata(document.metadata, metadata),
    );
    res.json({ data: paginate(req, documents).map(withoutFile) });
  });

  app.get(apiRoute(OPENVOLT_PATHS.document(ID_PARAM)), requireApiKey, (req, res) => {
    res.json(withoutFile(store.document(pathId(req))));
  });

  app.get(apiRoute(OPENVOLT_PATHS.documentFile(ID_PARAM)), requireApiKey, (req, res) => {
    const document = store.document(pathId(req));
    // attachment() would set a type from the file name: the spec answers octet-stream.
    res.attachment(document.file_name).type('application/octet-stream').send(document.bytes);
  });

  app.post(apiRoute(OPENVOLT_PATHS.documents), requireApiKey, async (req, res) => {
    const form = await multipartForm(req);
    const name = formText(form, 'name');
    const purpose = formText(form, 'purpose');
    if (!name) throw new HttpError(400, 'name is required');
    if (!OPENVOLT_DOCUMENT_PURPOSES.includes(purpose as never)) {
      throw new HttpError(400, `purpose must be one of ${OPENVOLT_DOCUMENT_PURPOSES.join(', ')}`);
    }
    const file = form.get('file');
    if (!(file instanceof File)) throw new HttpError(400, 'file is required (a file part)');
    const bytes = Buffer.from(await file.arrayBuffer());
    if (bytes.length === 0) throw new HttpError(400, 'file is empty');
    const document: SimulatedDocument = {
      _id: store.nextId('document'),
      object: 'document',
      account: SEED_ACCOUNT_ID,
      name,
      purpose: purpose as SimulatedDocument['purpose'],
      metadata: formMetadata(form),
      file_name: file.name,
      content_type: file.type || 'application/octet-stream',
      size: bytes.length,
      created_at: now().toISOString(),
      __v: 0,
      bytes,
    };
    store.documents.set(document._id, document);
    res.json(withoutFile(document));
  });
}

function withoutFile({ bytes: _bytes, ...record }: SimulatedDocument): OpenvoltDocumentRecord {
  return record;
}

/** The body of a `multipart/form-data` request, parsed by the platform's own Fetch implementation. */
async function multipartForm(req: Request): Promise<FormData> {
  const contentType = req.get('content-type') ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) throw new HttpError(400, 'POST /documents takes multipart/form-data');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > OPENVOLT_SIMULATOR_MAX_DOCUMENT_BYTES)
      throw new HttpError(413, `A document may be at most ${OPENVOLT_SIMULATOR_MAX_DOCUMENT_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return await new Response(Buffer.concat(chunks), { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new HttpError(400, 'The multipart body could not be read');
  }
}

function formText(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : undefined;
}

/** `metadata[key]` parts (the form encoding of Openvolt's deepObject style), or one `metadata` part holding a JSON object. */
function formMetadata(form: FormData): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    const match = /^metadata\[(.+)\]$/.exec(key);
    if (match && typeof value === 'string') metadata[match[1]!] = value;
  }
  const whole = form.get('metadata');
  if (typeof whole === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(whole);
    } catch {
      throw new HttpError(400, 'metadata must be a JSON object of string values');
    }
    const valid =
      parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && Object.values(parsed).every((v) => typeof v === 'string');
    if (!valid) throw new HttpError(400, 'metadata must be a JSON object of string values');
    Object.assign(metadata, parsed);
  }
  return metadata;
}
