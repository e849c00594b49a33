import { gql } from 'graphql-request';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from './support/stack.js';

/**
 * What Openvolt's spec offers beyond the basics, through the gateway (issue 21): Dutch meters with
 * provider_info and notes, every list filter, totalCount on every connection, documents as consent
 * evidence.
 */

const TEST_CUSTOMER_ID = '6514153c23e3d1424bf82738'; // Thameside: 20 meters, two consents
const DUTCH_CUSTOMER_ID = '6523d4385075f507a6aeac05'; // Hollandse Vastgoed: an edsn, a kenter and a solaredge meter
const THAMESIDE_EVIDENCE_ID = '651415c69ffaad98b811ba57'; // the seed's evidence of Thameside's consent
const UNKNOWN_ID = '000000000000000000000000';
/** OPENVOLT_DOCUMENT_MAX_BYTES's default. */
const DOCUMENT_MAX_BYTES = 512 * 1024;

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  stack.simulator('openvolt').reset();
});

const query = <T = Record<string, any>>(document: string, variables?: Record<string, unknown>) => stack.query<T>(document, variables);
const upstreamCalls = (method: string, route: string) => stack.simulator('openvolt').callCount(method, route);

const REGISTER = gql`
  mutation ($input: RegisterOpenvoltMeterInput!) {
    registerOpenvoltMeter(input: $input) {
      id
      dataSource
      notes {
        content
        author
      }
      providerInfo {
        postalCode
        houseNumber
        ean
        meterType
        edsnMeterNumber
        sourceMeterId
        subcode
      }
    }
  }
`;

describe('registerOpenvoltMeter for a Dutch connection', () => {
  it('sends provider_info (credentials included) and notes; the answer shows neither credential', async () => {
    const connection = { postalCode: '2511CV', houseNumber: '12A', ean: '871687120000000035', meterType: 'GAS' };
    const response = await stack.client.rawRequest(REGISTER, {
      input: {
        customerId: DUTCH_CUSTOMER_ID,
        meterNumber: '871687120000000035',
        dataSource: 'KENTER',
        notes: [{ content: 'Sports hall, gas', author: 'facilities' }],
        providerInfo: { ...connection, username: 'hvs-kenter', password: 'kenter-secret-9f1' },
      },
    });
    expect(response.errors).toBeUndefined();
    expect(JSON.stringify(response)).not.toContain('kenter-secret-9f1');
    expect(JSON.stringify(response)).not.toContain('hvs-kenter');
    const { registerOpenvoltMeter: meter } = response.data as { registerOpenvoltMeter: Record<string, unknown> };
    expect(meter).toMatchObject({
      dataSource: 'KENTER',
      notes: [{ content: 'Sports hall, gas', author: 'facilities' }],
      providerInfo: { ...connection, edsnMeterNumber: null, sourceMeterId: null, subcode: null },
    });
    // Openvolt got the credentials it needs to reach Kenter.
    const stored = await fetch(`${stack.simulator('openvolt').url}/v1/meters/${String(meter.id)}`, {
      headers: { 'x-api-key': 'test-gridgraph-simulator-key' },
    });
    expect(((await stored.json()) as { provider_info: unknown }).provider_info).toMatchObject({
      username: 'hvs-kenter',
      password: 'kenter-secret-9f1',
      meter_type: 'gas',
    });
  });

  it('sends EDSN’s own meter number as the spec spells it', async () => {
    const { data, errors } = await query(REGISTER, {
      input: {
        customerId: DUTCH_CUSTOMER_ID,
        meterNumber: '871687120000000097',
        dataSource: 'EDSN',
        providerInfo: { postalCode: '2511CV', edsnMeterNumber: 'E0011223344556677', meterType: 'ELECTRICITY' },
      },
    });
    expect(errors).toEqual([]);
    expect(data.registerOpenvoltMeter.providerInfo).toMatchObject({ edsnMeterNumber: 'E0011223344556677', meterType: 'ELECTRICITY' });
  });

  it('refuses provider_info Openvolt would not take, before any call', async () => {
    const cases: Array<[Record<string, unknown>, RegExp, string]> = [
      [{ dataSource: 'ELECTRALINK', providerInfo: { postalCode: '2511CV' } }, /only for the Dutch data sources/, 'providerInfo'],
      [
        { dataSource: 'EDSN', providerInfo: { password: 'x' } },
        /providerInfo.password does not apply to the data source edsn/,
        'providerInfo.password',
      ],
      [{ dataSource: 'KENTER', providerInfo: { postalCode: '2511 CV' } }, /postalCode must be four digits and two capitals/, ''],
      [{ dataSource: 'KENTER', providerInfo: { ean: '8716871200' } }, /ean must be 18 digits/, ''],
    ];
    for (const [input, message, field] of cases) {
      const { errors } = await query(REGISTER, { input: { customerId: DUTCH_CUSTOMER_ID, meterNumber: '871687120000000059', ...input } });
      expect(errors[0]?.message, JSON.stringify(input)).toMatch(message);
      expect(errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      if (field) expect(errors[0]?.extensions?.field).toBe(field);
    }
    expect(upstreamCalls('POST', '/v1/meters')).toBe(0);
  });
});

describe('updateOpenvoltMeter', () => {
  const UPDATE = gql`
    mutation ($id: ID!, $input: UpdateOpenvoltMeterInput!) {
      updateOpenvoltMeter(id: $id, input: $input) {
        dataSource
        notes {
          content
        }
        providerInfo {
          postalCode
          houseNumber
          meterType
        }
      }
    }
  `;
  const kenterMeterId = async () =>
    (await query(`{ openvoltMeters(customerId: "${DUTCH_CUSTOMER_ID}", dataSource: KENTER) { nodes { id } } }`)).data.openvoltMeters
      .nodes[0].id as string;

  it('sends provider_info checked against the meter’s own data source (read once) and notes', async () => {
    const id = await kenterMeterId();
    stack.simulator('openvolt').reset();
    const { data, errors } = await query(UPDATE, {
      id,
      input: {
        notes: [{ content: 'New Kenter login', author: 'facilities' }],
        providerInfo: { houseNumber: '12', username: 'hvs-kenter-2', password: 'kenter-secret-2' },
      },
    });
    expect(errors).toEqual([]);
    expect(data.updateOpenvoltMeter).toEqual({
      dataSource: 'KENTER',
      notes: [{ content: 'New Kenter login' }],
      providerInfo: { postalCode: null, houseNumber: '12', meterType: null },
    });
    expect([upstreamCalls('GET', '/v1/meters/:_id'), upstreamCalls('PUT', '/v1/meters/:_id')]).toEqual([1, 1]);
    const stored = await fetch(`${stack.simulator('openvolt').url}/v1/meters/${id}`, {
      headers: { 'x-api-key': 'test-gridgraph-simulator-key' },
    });
    expect(((await stored.json()) as { provider_info: unknown }).provider_info).toMatchObject({
      username: 'hvs-kenter-2',
      house_number: '12',
    });
  });

  it('refuses provider_info the data source would not take: the given one before any call, the meter’s own before any change', async () => {
    const id = await kenterMeterId();
    stack.simulator('openvolt').reset();
    const given = await query(UPDATE, { id, input: { dataSource: 'DCC', providerInfo: { postalCode: '2511CV' } } });
    expect(given.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'providerInfo' });
    expect(upstreamCalls('GET', '/v1/meters/:_id')).toBe(0);
    const own = await query(UPDATE, { id, input: { providerInfo: { edsnMeterNumber: 'E0011223344556677' } } });
    expect(own.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'providerInfo.edsnMeterNumber' });
    expect([upstreamCalls('GET', '/v1/meters/:_id'), upstreamCalls('PUT', '/v1/meters/:_id')]).toEqual([1, 0]);
  });
});

describe('list filters', () => {
  it('filters meters by metadata, last pull date and status, validity and source, as Openvolt does', async () => {
    const all = await query(gql`
      {
        openvoltMeters(first: 100) {
          nodes {
            id
            metadata
            lastDataPullDate
            lastDataPullStatus
            dataSource
          }
        }
      }
    `);
    const meters = all.data.openvoltMeters.nodes as Array<{
      id: string;
      metadata: Record<string, string>;
      lastDataPullDate: string | null;
      lastDataPullStatus: string | null;
      dataSource: string;
    }>;
    const pulled = meters.find((meter) => meter.lastDataPullDate)!;
    const day = pulled.lastDataPullDate!.slice(0, 10);
    const [key, value] = Object.entries(pulled.metadata)[0]!;

    const { data, errors } = await query(
      gql`
        query ($day: String!, $metadata: JSONObject!) {
          byDay: openvoltMeters(lastDataPullDate: $day, first: 100) {
            nodes {
              lastDataPullDate
            }
          }
          byMetadata: openvoltMeters(metadata: $metadata, first: 100) {
            nodes {
              metadata
            }
          }
          failed: openvoltMeters(lastDataPullStatus: FAILURE, first: 100) {
            nodes {
              lastDataPullStatus
            }
          }
          dcc: openvoltMeters(dataSource: DCC, missingConsent: false, first: 100) {
            nodes {
              dataSource
              validity {
                missingConsent
              }
            }
          }
        }
      `,
      { day, metadata: { [key]: value } },
    );
    expect(errors).toEqual([]);
    const expectedByDay = meters.filter((meter) => meter.lastDataPullDate?.startsWith(day));
    expect(data.byDay.nodes).toHaveLength(expectedByDay.length);
    expect(data.byMetadata.nodes.length).toBe(meters.filter((meter) => meter.metadata[key] === value).length);
    expect(data.byMetadata.nodes.every((node: { metadata: Record<string, string> }) => node.metadata[key] === value)).toBe(true);
    expect(data.failed.nodes.length).toBe(meters.filter((meter) => meter.lastDataPullStatus === 'FAILURE').length);
    expect(data.failed.nodes.length).toBeGreaterThan(0);
    expect(data.dcc.nodes.length).toBeGreaterThan(0);
    expect(
      data.dcc.nodes.every(
        (node: { dataSource: string; validity: { missingConsent: boolean } }) => node.dataSource === 'DCC' && !node.validity.missingConsent,
      ),
    ).toBe(true);
  });

  it('filters consents by name and dates and sorts them', async () => {
    const { data, errors } = await query(gql`
      {
        named: openvoltConsents(name: "Thameside Dartford LOA 2022") {
          nodes {
            name
          }
        }
        window: openvoltConsents(startDate: "2023-10-06", endDate: "2031-12-31", sortBy: END_DATE) {
          nodes {
            startDate
            endDate
          }
        }
        byStart: openvoltConsents(sortBy: START_DATE) {
          nodes {
            startDate
          }
        }
      }
    `);
    expect(errors).toEqual([]);
    expect(data.named.nodes).toEqual([{ name: 'Thameside Dartford LOA 2022' }]);
    const window = data.window.nodes as Array<{ startDate: string; endDate: string }>;
    expect(window.length).toBeGreaterThan(0);
    expect(window.every((consent) => consent.startDate >= '2023-10-06' && consent.endDate <= '2031-12-31')).toBe(true);
    expect(window.map((consent) => consent.endDate)).toEqual(window.map((consent) => consent.endDate).sort());
    const starts = (data.byStart.nodes as Array<{ startDate: string }>).map((consent) => consent.startDate);
    expect(starts).toEqual([...starts].sort());
  });

  it('refuses a date that is not YYYY-MM-DD and metadata that is not strings, before any call', async () => {
    const calls = stack.simulator('openvolt').stats().total;
    for (const document of [
      gql`
        {
          openvoltMeters(lastDataPullDate: "14/06/2026") {
            totalCount
          }
        }
      `,
      gql`
        {
          openvoltConsents(startDate: "2026-02-30") {
            totalCount
          }
        }
      `,
      gql`
        {
          openvoltCustomers(metadata: { crm_ref: 42 }) {
            totalCount
          }
        }
      `,
    ]) {
      const { errors } = await query(document);
      expect(errors[0]?.extensions?.code, document).toBe('BAD_USER_INPUT');
    }
    expect(stack.simulator('openvolt').stats().total).toBe(calls);
  });
});

describe('totalCount', () => {
  it('is counted from the list itself: free when the page reached the end, read on only when asked', async () => {
    const count = gql`
      query ($first: Int!, $customerId: ID) {
        openvoltMeters(first: $first, customerId: $customerId) {
          totalCount
          nodes {
            id
          }
          pageInfo {
            hasNextPage
          }
        }
      }
    `;
    const small = await query(count, { first: 5, customerId: TEST_CUSTOMER_ID });
    expect(small.data.openvoltMeters).toMatchObject({ totalCount: 20, pageInfo: { hasNextPage: true } });
    expect(upstreamCalls('GET', '/v1/meters')).toBe(1); // the page of 100 held the whole list

    // More meters than one page of 100: the count reads on to the end, only when asked for.
    for (let index = 0; index < 60; index += 1) {
      const { errors } = await query(REGISTER, {
        input: { customerId: TEST_CUSTOMER_ID, meterNumber: `190000000${String(index).padStart(4, '0')}`, dataSource: 'DCC' },
      });
      expect(errors).toEqual([]);
    }
    const before = upstreamCalls('GET', '/v1/meters');
    const withoutCount = await query(gql`
      {
        openvoltMeters(first: 5) {
          nodes {
            id
          }
        }
      }
    `);
    expect(withoutCount.data.openvoltMeters.nodes).toHaveLength(5);
    expect(upstreamCalls('GET', '/v1/meters')).toBe(before + 1);
    const counted = await query(count, { first: 5 });
    expect(counted.data.openvoltMeters.totalCount).toBe(54 + 60);
    expect(upstreamCalls('GET', '/v1/meters')).toBe(before + 1 + 2);
  });

  it('is reported on customers, consents and documents, and the customer’s own lists', async () => {
    const { data, errors } = await query(
      gql`
        query ($id: ID!) {
          openvoltCustomers {
            totalCount
          }
          openvoltConsents(first: 1) {
            totalCount
          }
          openvoltDocuments(first: 2) {
            totalCount
          }
          openvoltCustomer(id: $id) {
            meters(first: 1) {
              totalCount
            }
            consents {
              totalCount
            }
          }
        }
      `,
      { id: TEST_CUSTOMER_ID },
    );
    expect(errors).toEqual([]);
    expect(data).toEqual({
      openvoltCustomers: { totalCount: 4 },
      openvoltConsents: { totalCount: 6 },
      openvoltDocuments: { totalCount: 6 },
      openvoltCustomer: { meters: { totalCount: 20 }, consents: { totalCount: 2 } },
    });
  });
});

const UPLOAD = gql`
  mutation ($input: UploadOpenvoltDocumentInput!) {
    uploadOpenvoltDocument(input: $input) {
      id
      name
      purpose
      fileName
      contentType
      size
      metadata
    }
  }
`;

describe('documents as consent evidence', () => {
  it('uploads a base64 document, and a consent names it as its evidence', async () => {
    const pdf = Buffer.from('%PDF-1.4\nLetter of authority, Thameside, signed 2026-01-02\n%%EOF\n');
    const uploaded = await query(UPLOAD, {
      input: { name: 'Thameside LOA 2026', contentBase64: pdf.toString('base64'), fileName: 'loa-2026.pdf', metadata: { year: '2026' } },
    });
    expect(uploaded.errors).toEqual([]);
    const document = uploaded.data.uploadOpenvoltDocument;
    expect(document).toMatchObject({
      name: 'Thameside LOA 2026',
      purpose: 'CONSENT_EVIDENCE',
      fileName: 'loa-2026.pdf',
      contentType: 'application/pdf',
      size: pdf.length,
      metadata: { year: '2026' },
    });
    const stored = await fetch(`${stack.simulator('openvolt').url}/v1/documents/${document.id}/file`, {
      headers: { 'x-api-key': 'test-gridgraph-simulator-key' },
    });
    expect(Buffer.from(await stored.arrayBuffer())).toEqual(pdf);

    const consent = await query(
      gql`
        mutation ($input: CreateOpenvoltConsentInput!) {
          createOpenvoltConsent(input: $input) {
            evidenceDocument {
              id
              name
            }
          }
        }
      `,
      { input: { customerId: TEST_CUSTOMER_ID, startDate: '2026-01-01', endDate: '2026-12-31', evidenceDocumentId: document.id } },
    );
    expect(consent.errors).toEqual([]);
    expect(consent.data.createOpenvoltConsent.evidenceDocument).toEqual({ id: document.id, name: 'Thameside LOA 2026' });

    const listed = await query(gql`
      {
        openvoltDocuments(metadata: { year: "2026" }) {
          nodes {
            id
          }
        }
      }
    `);
    expect(listed.data.openvoltDocuments.nodes).toEqual([{ id: document.id }]);
  });

  it('a consent whose evidence is no Openvolt document is refused by Openvolt and recorded nowhere', async () => {
    const { data, errors } = await query(
      gql`
        mutation ($input: CreateOpenvoltConsentInput!) {
          createOpenvoltConsent(input: $input) {
            id
          }
        }
      `,
      { input: { customerId: TEST_CUSTOMER_ID, startDate: '2026-01-01', endDate: '2026-12-31', evidenceDocumentId: UNKNOWN_ID } },
    );
    expect(data.createOpenvoltConsent).toBeNull();
    expect(errors[0]?.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', upstreamStatus: 400, provider: 'OPENVOLT' });
    expect(errors[0]?.message).toContain(`No document with _id ${UNKNOWN_ID}`);
    const seedEvidence = await query(gql`
      {
        openvoltConsents(customerId: "${TEST_CUSTOMER_ID}") {
          totalCount
          nodes {
            evidenceDocument {
              id
            }
          }
        }
      }
    `);
    expect(seedEvidence.data.openvoltConsents.totalCount).toBe(2);
    expect(seedEvidence.data.openvoltConsents.nodes[0].evidenceDocument).toEqual({ id: THAMESIDE_EVIDENCE_ID });
  });

  it('refuses a document over the cap, an empty one and one that is not base64, before any call', async () => {
    const over = Buffer.alloc(DOCUMENT_MAX_BYTES + 1, 0x41).toString('base64');
    const atCap = Buffer.alloc(DOCUMENT_MAX_BYTES, 0x41).toString('base64');
    const tooLarge = await query(UPLOAD, { input: { name: 'Scan', contentBase64: over } });
    expect(tooLarge.errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'contentBase64',
      size: DOCUMENT_MAX_BYTES + 1,
      maxBytes: DOCUMENT_MAX_BYTES,
    });
    expect((await query(UPLOAD, { input: { name: 'Scan', contentBase64: '' } })).errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await query(UPLOAD, { input: { name: 'Scan', contentBase64: 'not base64!' } })).errors[0]?.extensions?.code).toBe(
      'BAD_USER_INPUT',
    );
    expect(upstreamCalls('POST', '/v1/documents')).toBe(0);

    const fits = await query(UPLOAD, { input: { name: 'Scan', contentBase64: atCap } });
    expect(fits.errors).toEqual([]);
    expect(fits.data.uploadOpenvoltDocument.size).toBe(DOCUMENT_MAX_BYTES);
  });
});
