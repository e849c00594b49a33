import {
  createLoadProfile,
  DEPOT_DEPARTURES,
  fnv1a,
  HttpError,
  objectId,
  SHARED_LOAD_PROFILES,
  SHARED_METERING_POINTS,
  type LoadProfile,
} from '../../../shared/simulator/index.js';
import type { OpenvoltConsentRecord, OpenvoltCustomerRecord, OpenvoltDocumentRecord, OpenvoltMeterRecord } from '../contract.js';
import { hasInvalidMeterNumber, TEST_METER_NUMBERS } from './meter-numbers.js';
import { seedRecords } from './seed.js';

// The records as the simulator keeps and answers them: every field the live API may leave out is there.
export type SimulatedCustomer = OpenvoltCustomerRecord &
  Required<Pick<OpenvoltCustomerRecord, 'object' | 'account' | 'metadata' | 'notes' | 'created_at' | '__v'>>;
export type SimulatedMeter = OpenvoltMeterRecord &
  Required<
    Pick<
      OpenvoltMeterRecord,
      'object' | 'account' | 'customer_id' | 'update_frequency' | 'status' | 'metadata' | 'notes' | 'validity_state' | 'created_at' | '__v'
    >
  >;
export type SimulatedConsent = OpenvoltConsentRecord &
  Required<Pick<OpenvoltConsentRecord, 'object' | 'account' | 'metadata' | 'status' | 'archived_at' | 'created_at' | '__v'>>;
/** A document with its file's bytes (which only `GET /documents/{_id}/file` answers). */
export type SimulatedDocument = OpenvoltDocumentRecord &
  Required<
    Pick<OpenvoltDocumentRecord, 'object' | 'account' | 'metadata' | 'file_name' | 'content_type' | 'size' | 'created_at' | '__v'>
  > & {
    bytes: Buffer;
  };

/**
 * The simulator's in-memory state: the seed (seed.ts), then what requests changed; `reset()` rebuilds
 * the seed. Objects created after the seed are numbered from 1, so a run's ids are reproducible.
 */
export class OpenvoltSimulatorStore {
  readonly customers = new Map<string, SimulatedCustomer>();
  readonly meters = new Map<string, SimulatedMeter>();
  readonly consents = new Map<string, SimulatedConsent>();
  readonly documents = new Map<string, SimulatedDocument>();
  private created = 0;
  /** Load profiles by meter number: deterministic, so they survive a reset. */
  private readonly profiles = new Map<string, LoadProfile>();

  constructor(private readonly now: () => Date) {
    this.reset();
  }

  reset(): void {
    const seed = seedRecords(this.now());
    refill(this.customers, seed.customers);
    refill(this.meters, seed.meters);
    refill(this.consents, seed.consents);
    refill(this.documents, seed.documents);
    this.created = 0;
  }

  /** The id of a newly created object. */
  nextId(kind: 'customer' | 'meter' | 'consent' | 'document'): string {
    this.created += 1;
    return objectId(`openvolt:created:${kind}:${this.created}`, this.now());
  }

  customer(id: string | undefined): SimulatedCustomer {
    return found(this.customers, id, 'customer');
  }

  meter(id: string | undefined): SimulatedMeter {
    return found(this.meters, id, 'meter');
  }

  consent(id: string | undefined): SimulatedConsent {
    return found(this.consents, id, 'consent');
  }

  document(id: string | undefined): SimulatedDocument {
    return found(this.documents, id, 'document');
  }

  /** A meter as lists answer it: `customer_id` only, validity recomputed for the current clock and consent. */
  meterView(meter: SimulatedMeter): SimulatedMeter {
    const consent = meter.consent_id ? this.consents.get(meter.consent_id) : undefined;
    return {
      ...meter,
      validity_state: {
        missing_consent: !consent || consent.status === 'archived',
        expired_consent: consent !== undefined && consent.end_date < this.now().toISOString().slice(0, 10),
        is_disabled_by_user: meter.validity_state.is_disabled_by_user,
        has_invalid_meter_number: hasInvalidMeterNumber(meter.meter_number, meter.data_source),
      },
    };
  }

  /** One meter as GET /meters/{_id} answers it: with the full customer embedded. */
  meterDetail(meter: SimulatedMeter): SimulatedMeter {
    return { ...this.meterView(meter), customer: this.customers.get(meter.customer_id) };
  }

  /** The consent a meter of `customerId` may use, or a 400 saying why not. */
  usableConsent(consentId: string, customerId: string): SimulatedConsent {
    const consent = this.consents.get(consentId);
    if (!consent) throw new HttpError(400, `No consent with _id ${consentId}`);
    if (consent.customer_id !== customerId) throw new HttpError(400, `Consent ${consentId} belongs to another customer`);
    if (consent.status === 'archived') throw new HttpError(400, `Consent ${consentId} is archived`);
    return consent;
  }

  assertUniqueEmail(email: string, exceptId?: string): void {
    const lower = email.toLowerCase();
    const taken = [...this.customers.values()].some((c) => c._id !== exceptId && c.email.toLowerCase() === lower);
    if (taken) throw new HttpError(409, `A customer with email ${email} already exists`);
  }

  profileFor(meterNumber: string): LoadProfile {
    let profile = this.profiles.get(meterNumber);
    if (!profile) {
      // Keyed by meter number only, so one MPAN under two customers reports the same consumption. A
      // connection other simulators also seed gets the building's shared load, as the grid measures it
      // (the depot's with Openvolt's seeded weekly gap, which UMeter does not have).
      const shared = SHARED_LOAD_PROFILES[meterNumber];
      const gappy = !TEST_METER_NUMBERS.includes(meterNumber) && !shared && fnv1a(`gaps:${meterNumber}`) % 4 === 0;
      const outages = meterNumber === SHARED_METERING_POINTS.depotEan ? [DEPOT_DEPARTURES.openvoltGap] : [];
      profile = createLoadProfile(shared ? { ...shared, outages } : { seed: meterNumber, gapShare: gappy ? 0.01 : 0 });
      this.profiles.set(meterNumber, profile);
    }
    return profile;
  }
}

/** `{ [key]: value }` when value is defined, else `{}`: keeps absent fields absent in JSON. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function found<T>(map: Map<string, T>, id: string | undefined, kind: string): T {
  const item = id === undefined ? undefined : map.get(id);
  if (item === undefined) throw new HttpError(404, `No ${kind} with _id ${id}`);
  return item;
}

function refill<T>(map: Map<string, T>, records: Map<string, T>): void {
  map.clear();
  for (const [id, record] of records) map.set(id, record);
}
