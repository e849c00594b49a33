import { objectId, seededRandom, SHARED_METERING_POINTS } from '../../../shared/simulator/index.js';
import type { OpenvoltDataSource, OpenvoltMeterStatus } from '../contract.js';
import { generateMpan, TEST_METER_NUMBERS } from './meter-numbers.js';
import { optional, type SimulatedConsent, type SimulatedCustomer, type SimulatedDocument, type SimulatedMeter } from './store.js';

/**
 * The seed: 4 customers, 54 meters and 6 consents (CONTRACT.md, "Seed"), built identically on every
 * reset. Only the meters' last data pull moves with the clock.
 */

/** The seed's SolarEdge meter number: a SolarEdge site id (7 digits), no metering point. */
export const SOLAREDGE_SITE_ID = '3518274';

/** The account every object belongs to (Openvolt has no account endpoint; the id is only a field). */
export const SEED_ACCOUNT_ID = '6514150e23e3d1424bf82731';
const DAY_MS = 86_400_000;

interface SeedCustomer {
  _id: string;
  name: string;
  email: string;
  address: string;
  created_at: string;
  metadata: Record<string, string>;
  logo_url?: string;
  /** Distributor id: the first two digits of the customer's MPANs (its region). */
  distributor: string;
  sites: Array<{ name: string; address: string }>;
  circuits: string[];
  /** Meter numbers the customer's first meters carry, before generated MPANs. */
  fixedNumbers: string[];
  meterCount: number;
  consent: string;
  /** The data source of each meter (by index) for a customer outside Great Britain; UK meters vary between electralink and dcc. */
  dataSources?: OpenvoltDataSource[];
  /** Per meter (by index), Openvolt's provider_info for a Dutch connection (postcode, meter type). */
  providerInfo?: Array<Record<string, string>>;
}

const SEED_CUSTOMERS: SeedCustomer[] = [
  {
    _id: '6514153c23e3d1424bf82738',
    name: 'Thameside Cold Storage Ltd',
    email: 'energy@thameside-coldstore.co.uk',
    address: 'Unit 4, Riverside Industrial Estate, London SE16 4DG, UK',
    created_at: '2023-09-27T11:42:52.845Z',
    metadata: { crm_ref: 'TCS-0042' },
    distributor: '12',
    sites: [
      { name: 'Bermondsey', address: 'Unit 4, Riverside Industrial Estate, London SE16 4DG, UK' },
      { name: 'Dartford', address: 'Bay 2, Crossways Business Park, Dartford DA2 6QG, UK' },
      { name: 'Purfleet', address: 'Purfleet Distribution Centre, London Road, Purfleet RM19 1QY, UK' },
    ],
    circuits: [
      'Main incomer',
      'Blast freezer hall',
      'Chilled store A',
      'Chilled store B',
      'Refrigeration plant',
      'Loading dock',
      'Forklift charging',
      'Offices',
    ],
    fixedNumbers: [...TEST_METER_NUMBERS],
    meterCount: 20,
    consent: 'thameside',
  },
  {
    _id: objectId('openvolt:seed:customer:meridian', new Date('2023-10-02T08:15:31.102Z')),
    name: 'Meridian Hotels Group',
    email: 'facilities@meridianhotels.co.uk',
    address: '12 Quay Street, Manchester M3 3HN, UK',
    created_at: '2023-10-02T08:15:31.102Z',
    metadata: { crm_ref: 'MHG-0117', segment: 'hospitality' },
    logo_url: 'https://meridianhotels.co.uk/assets/logo.svg',
    distributor: '16',
    sites: [
      { name: 'Quay Street', address: '12 Quay Street, Manchester M3 3HN, UK' },
      { name: 'Salford Quays', address: '4 The Quays, Salford M50 3SQ, UK' },
      { name: 'Chester', address: '21 Grosvenor Park Road, Chester CH1 1QQ, UK' },
    ],
    circuits: ['Main incomer', 'Kitchen', 'Laundry', 'HVAC plant', 'Guest floors', 'Spa and pool', 'Conference suite', 'EV chargers'],
    // One MPAN may be registered under several customers (a meter is unique per customer + number).
    fixedNumbers: ['9999999999999'],
    meterCount: 16,
    consent: 'meridian',
  },
  {
    _id: objectId('openvolt:seed:customer:pennine', new Date('2023-10-05T14:03:09.577Z')),
    name: 'Pennine Valley Schools Trust',
    email: 'estates@penninevalley.org.uk',
    address: 'Trust Office, 1 Mill Lane, Halifax HX1 2RT, UK',
    created_at: '2023-10-05T14:03:09.577Z',
    metadata: { crm_ref: 'PVS-0203', segment: 'education' },
    distributor: '23',
    sites: [
      { name: 'Calder High', address: 'Calder High School, Brier Lane, Mytholmroyd HX7 5QN, UK' },
      { name: 'Ryburn Primary', address: 'Ryburn Primary School, Stansfield Road, Sowerby Bridge HX6 3LN, UK' },
      { name: 'Todmorden Academy', address: 'Todmorden Academy, Burnley Road, Todmorden OL14 7DG, UK' },
    ],
    circuits: ['Main incomer', 'Sports hall', 'Kitchen', 'Science block', 'Boiler house', 'Library', 'Classrooms'],
    fixedNumbers: [],
    meterCount: 14,
    consent: 'pennine',
  },
  {
    // Dutch connections through Openvolt's Dutch data sources. Their EANs are UMeter's office and school
    // (and known to EnerKey and Intellimeter) and depot (known to UMeter only, with a seeded weekly gap
    // here: DEPOT_DEPARTURES), so `meteringPoint(id)` finds them here too.
    _id: objectId('openvolt:seed:customer:hollandse', new Date('2023-10-09T10:21:44.318Z')),
    name: 'Hollandse Vastgoed Services B.V.',
    email: 'energie@hollandsevastgoed.nl',
    address: 'Catharijnesingel 47, 3511 GC Utrecht, NL',
    created_at: '2023-10-09T10:21:44.318Z',
    metadata: { crm_ref: 'HVS-0311', segment: 'property', country: 'NL' },
    distributor: '',
    // The third meter is the school's solar inverter, read through SolarEdge: its number is the SolarEdge
    // site id, not a metering point, so Openvolt records none for it (left unmapped in the seed).
    sites: [
      { name: 'Kantoor Catharijnesingel', address: 'Catharijnesingel 47, 3511 GC Utrecht, NL' },
      { name: 'Basisschool De Zonnewijzer', address: 'Schoolstraat 12, 2801 HR Gouda, NL' },
      { name: 'Basisschool De Zonnewijzer', address: 'Schoolstraat 12, 2801 HR Gouda, NL' },
      { name: 'Distributiecentrum Waalhaven', address: 'Waalhaven Oostzijde 80, 3087 BM Rotterdam, NL' },
    ],
    circuits: ['Hoofdaansluiting', 'Hoofdaansluiting', 'Zonnepanelen', 'Hoofdaansluiting'],
    fixedNumbers: [SHARED_METERING_POINTS.officeEan, SHARED_METERING_POINTS.schoolEan, SOLAREDGE_SITE_ID, SHARED_METERING_POINTS.depotEan],
    meterCount: 4,
    consent: 'hollandse',
    dataSources: ['edsn', 'kenter', 'solaredge', 'edsn'],
    providerInfo: [
      { postal_code: '3511GC', meter_type: 'electricity' },
      { postal_code: '2801HR', meter_type: 'electricity' },
      { postal_code: '2801HR', meter_type: 'electricity' },
      { postal_code: '3087BM', meter_type: 'electricity' },
    ],
  },
];

interface SeedConsent {
  key: string;
  customer: number;
  name: string;
  start_date: string;
  end_date: string;
  created_at: string;
  archived_at?: string;
}

const SEED_CONSENTS: SeedConsent[] = [
  {
    key: 'thameside',
    customer: 0,
    name: 'Thameside portfolio letter of authority',
    start_date: '2023-09-27',
    end_date: '2030-09-26',
    created_at: '2023-09-27T11:45:10.311Z',
  },
  {
    key: 'thameside-2022',
    customer: 0,
    name: 'Thameside Dartford LOA 2022',
    start_date: '2022-06-01',
    end_date: '2023-05-31',
    created_at: '2023-09-27T11:46:02.654Z',
  },
  {
    key: 'meridian',
    customer: 1,
    name: 'Meridian Hotels group LOA',
    start_date: '2023-10-02',
    end_date: '2030-10-01',
    created_at: '2023-10-02T08:20:47.930Z',
  },
  {
    key: 'pennine',
    customer: 2,
    name: 'Pennine Valley Trust LOA',
    start_date: '2023-10-10',
    end_date: '2031-08-31',
    created_at: '2023-10-10T09:05:18.447Z',
  },
  {
    key: 'pennine-pilot',
    customer: 2,
    name: 'Pennine Valley pilot consent',
    start_date: '2023-10-05',
    end_date: '2024-10-04',
    created_at: '2023-10-05T14:30:55.019Z',
    archived_at: '2023-10-10T09:12:44.210Z',
  },
  {
    key: 'hollandse',
    customer: 3,
    name: 'Machtiging Hollandse Vastgoed (EDSN en Kenter)',
    start_date: '2023-10-09',
    end_date: '2030-10-08',
    created_at: '2023-10-09T10:30:12.904Z',
  },
];

/** Seed consent ids by key: the seed meters name their consent by key. */
const SEED_CONSENT_IDS = new Map(
  SEED_CONSENTS.map((seed) => [seed.key, objectId(`openvolt:seed:consent:${seed.key}`, new Date(seed.created_at))]),
);

/** Meters that differ from "active with the customer's consent", by `customer index:meter index`. */
const SPECIAL_METERS: Record<
  string,
  { status: OpenvoltMeterStatus; consent?: string | null; disabled?: boolean; invalidNumber?: boolean }
> = {
  '0:15': { status: 'inactive', consent: null },
  '0:16': { status: 'inactive', consent: null },
  '0:17': { status: 'inactive', consent: 'thameside-2022' }, // expired consent
  '1:12': { status: 'inactive', consent: null },
  '1:13': { status: 'inactive', consent: null },
  '1:14': { status: 'inactive', disabled: true },
  '2:10': { status: 'inactive', consent: null },
  '2:11': { status: 'inactive', invalidNumber: true },
  '2:12': { status: 'pending' },
};

/** The seed meter id public Openvolt examples use (meter 9999999999999 of customer 6514153c…). */
const EXAMPLE_METER_ID = '6514167223e3d1424bf82742';
/** Spacing of the seed meters' creation times (keeps the example meter's real created_at). */
const SEED_METER_SPACING_MS = 310_134;

export interface SeedRecords {
  customers: Map<string, SimulatedCustomer>;
  meters: Map<string, SimulatedMeter>;
  consents: Map<string, SimulatedConsent>;
  /** Each seed consent's evidence: a signed letter of authority. */
  documents: Map<string, SimulatedDocument>;
}

export function seedRecords(now: Date): SeedRecords {
  return { customers: seedCustomers(), meters: seedMeters(now), consents: seedConsents(), documents: seedDocuments() };
}

/** The id of the document evidencing a seed consent. */
function seedDocumentId(seed: SeedConsent): string {
  return objectId(`openvolt:seed:document:${seed.key}`, new Date(seed.created_at));
}

function seedDocuments(): Map<string, SimulatedDocument> {
  const documents = new Map<string, SimulatedDocument>();
  for (const seed of SEED_CONSENTS) {
    const id = seedDocumentId(seed);
    const fileName = `${seed.key}-letter-of-authority.pdf`;
    const bytes = Buffer.from(`%PDF-1.4\n% ${seed.name}: letter of authority signed ${seed.start_date}\n%%EOF\n`, 'utf8');
    documents.set(id, {
      _id: id,
      object: 'document',
      account: SEED_ACCOUNT_ID,
      name: `${seed.name} (signed)`,
      purpose: 'consent_evidence',
      metadata: {},
      file_name: fileName,
      content_type: 'application/pdf',
      size: bytes.length,
      created_at: seed.created_at,
      __v: 0,
      bytes,
    });
  }
  return documents;
}

function seedCustomers(): Map<string, SimulatedCustomer> {
  const customers = new Map<string, SimulatedCustomer>();
  for (const seed of SEED_CUSTOMERS) {
    customers.set(seed._id, {
      _id: seed._id,
      object: 'customer',
      account: SEED_ACCOUNT_ID,
      name: seed.name,
      email: seed.email,
      address: seed.address,
      metadata: { ...seed.metadata },
      ...optional('logo_url', seed.logo_url),
      notes: [],
      created_at: seed.created_at,
      __v: 0,
    });
  }
  return customers;
}

function seedConsents(): Map<string, SimulatedConsent> {
  const consents = new Map<string, SimulatedConsent>();
  for (const seed of SEED_CONSENTS) {
    const id = SEED_CONSENT_IDS.get(seed.key)!;
    consents.set(id, {
      _id: id,
      object: 'consent',
      account: SEED_ACCOUNT_ID,
      customer_id: SEED_CUSTOMERS[seed.customer]!._id,
      type: 'interval',
      name: seed.name,
      start_date: seed.start_date,
      end_date: seed.end_date,
      metadata: {},
      evidence_document_id: seedDocumentId(seed),
      status: seed.archived_at ? 'archived' : 'active',
      archived_at: seed.archived_at ?? null,
      created_at: seed.created_at,
      __v: 0,
    });
  }
  return consents;
}

/** Where a seed meter sits: customer `c`'s meter `k`, the `index`-th over all customers (varies sources and pull times). */
interface MeterPlace {
  c: number;
  k: number;
  index: number;
}

function seedMeters(now: Date): Map<string, SimulatedMeter> {
  const meters = new Map<string, SimulatedMeter>();
  const random = seededRandom('openvolt:seed:mpan');
  const usedNumbers = new Set<string>(TEST_METER_NUMBERS);
  let index = 0;
  SEED_CUSTOMERS.forEach((seed, c) => {
    for (let k = 0; k < seed.meterCount; k++, index++) {
      const fixedNumber = seed.fixedNumbers[k];
      let meterNumber = fixedNumber;
      while (meterNumber === undefined || (fixedNumber === undefined && usedNumbers.has(meterNumber))) {
        meterNumber = generateMpan(seed.distributor, random, SPECIAL_METERS[`${c}:${k}`]?.invalidNumber ?? false);
      }
      usedNumbers.add(meterNumber);
      const meter = seedMeter(seed, { c, k, index }, meterNumber, now);
      meters.set(meter._id, meter);
    }
  });
  return meters;
}

function seedMeter(seed: SeedCustomer, { c, k, index }: MeterPlace, meterNumber: string, now: Date): SimulatedMeter {
  const special = SPECIAL_METERS[`${c}:${k}`];
  const fixedNumber = seed.fixedNumbers[k];
  const consentKey = special?.consent === undefined ? seed.consent : special.consent;
  const site = seed.sites[k % seed.sites.length]!;
  const dataSource: OpenvoltDataSource = seed.dataSources?.[k] ?? (fixedNumber !== undefined || index % 4 !== 2 ? 'electralink' : 'dcc');
  const testNumber = fixedNumber !== undefined && TEST_METER_NUMBERS.includes(fixedNumber);
  const status = special?.status ?? 'active';
  const createdAt = new Date(Date.parse(seed.created_at) + (k + 1) * SEED_METER_SPACING_MS);
  const id = c === 0 && k === 0 ? EXAMPLE_METER_ID : objectId(`openvolt:seed:meter:${index}`, createdAt);
  return {
    _id: id,
    object: 'meter',
    account: SEED_ACCOUNT_ID,
    meter_number: meterNumber,
    customer_id: seed._id,
    ...optional('consent_id', consentKey === null ? undefined : SEED_CONSENT_IDS.get(consentKey)),
    description: testNumber
      ? `Openvolt test meter ${TEST_METER_NUMBERS.indexOf(fixedNumber) + 1}`
      : `${seed.circuits[k % seed.circuits.length]} – ${site.name}`,
    address: site.address,
    data_source: dataSource,
    ...optional('provider_info', seed.providerInfo?.[k] && { ...seed.providerInfo[k] }),
    update_frequency: dataSource === 'dcc' ? (index % 3 === 0 ? 'hourly' : 'daily') : index % 3 === 0 ? 'daily' : 'weekly',
    status,
    metadata: index % 5 === 0 ? { site: site.name, cost_centre: `CC-${100 + index}` } : { site: site.name },
    notes: c === 0 && k === 5 ? [{ content: 'CT ratio checked on site visit', author: seed.email }] : [],
    validity_state: {
      missing_consent: false,
      expired_consent: false,
      is_disabled_by_user: special?.disabled ?? false,
      has_invalid_meter_number: false,
    },
    // A pending meter has never been pulled; inactive ones last failed a few days ago.
    ...(status === 'pending'
      ? {}
      : {
          last_data_pull_date: new Date(
            Math.floor(now.getTime() / 1000) * 1000 - (status === 'active' ? (90 + 23 * index) * 60_000 : 3 * DAY_MS + index * 3_600_000),
          ).toISOString(),
          last_data_pull_status: status === 'active' ? ('success' as const) : ('failure' as const),
        }),
    created_at: createdAt.toISOString(),
    __v: 0,
  };
}
