import { parse as parseCsv } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { BadUserInputError, NotFoundError, type ErrorDetails } from '../graph/errors.js';
import { PROVIDER_LABELS, PROVIDER_NAMES, type ProviderName } from '../graph/provider-names.js';
import { getJson, setJson, withLock, type Store } from '../store/index.js';
import { ConfigError } from './config.js';

/**
 * Which national metering point (MPAN, EAN, …) a meter measures, for meters whose provider records
 * none (Intellimeter's points, an Openvolt SolarEdge meter): provider + meter id → metering point id.
 * An operator names it in a file (METERING_POINT_MAPPING_FILE) or sets it through the provider's
 * `set<Provider>MeteringPoint` mutation; what is set is kept in the durable store and wins over the file,
 * also over a restart. A meter whose provider does record an id keeps that one: the mapping only fills gaps.
 */

/** meter id → metering point id, or null: "this meter measures no metering point" (overrides the file). */
export type MeteringPointAssignments = ReadonlyMap<string, string | null>;

export interface MeteringPointMappingEntry {
  meterId: string;
  meteringPointId: string | null;
  /** Where the entry comes from: the configured defaults (file, a simulator's seed) or the mutation. */
  source: 'CONFIGURED' | 'SET';
}

/**
 * Looks a meter up at the provider (one upstream call, or none when the request already has it): resolves
 * when the provider has the meter, rejects with a NotFoundError when it has not. It may refuse an id that
 * cannot be the provider's with BAD_USER_INPUT before calling. Each mapping provider's context passes its
 * own (its meter loader), so a mapping is only ever set for a meter that exists.
 */
export type FindMeter = (meterId: string) => Promise<unknown>;

/** Longest ids accepted; national ids are 13 (MPAN) to 18 (EAN) characters, provider meter ids rarely more than a UUID. */
export const MAX_METER_ID_LENGTH = 200;
export const MAX_METERING_POINT_ID_LENGTH = 64;
/** What both ids are made of (provider ids are numbers, hex, UUIDs): no spaces, paths or markup. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** One provider's mapping: the configured defaults under what was set through the mutation (in the store). */
export class MeteringPointMapping {
  private readonly storeKey: string;

  constructor(
    private readonly store: Store,
    readonly provider: ProviderName,
    private readonly configured: MeteringPointAssignments,
  ) {
    this.storeKey = `metering-point-mapping:${provider}`;
  }

  /** Every meter's entry, configured and set (set wins), in meter id order. */
  async entries(): Promise<MeteringPointMappingEntry[]> {
    const set = (await getJson<Record<string, string | null>>(this.store, this.storeKey)) ?? {};
    const merged = new Map<string, MeteringPointMappingEntry>();
    for (const [meterId, meteringPointId] of this.configured) merged.set(meterId, { meterId, meteringPointId, source: 'CONFIGURED' });
    for (const [meterId, meteringPointId] of Object.entries(set)) merged.set(meterId, { meterId, meteringPointId, source: 'SET' });
    return [...merged.values()].sort((a, b) => (a.meterId < b.meterId ? -1 : a.meterId > b.meterId ? 1 : 0));
  }

  /**
   * Sets which metering point `meterId` measures (null: none), for every replica sharing the store.
   * Checked first: a blank or malformed id is BAD_USER_INPUT and nothing is stored.
   */
  async set(meterId: string, meteringPointId: string | null): Promise<MeteringPointMappingEntry> {
    const { meter, point } = checkedAssignment(this.provider, meterId, meteringPointId);
    // Read, change, write under a lock: two replicas setting different meters at once both stay set.
    await withLock(this.store, this.storeKey, async () => {
      const set = (await getJson<Record<string, string | null>>(this.store, this.storeKey)) ?? {};
      set[meter] = point;
      await setJson(this.store, this.storeKey, set);
    });
    return { meterId: meter, meteringPointId: point, source: 'SET' };
  }

  /**
   * A view for one request: the store is read at most once, however many meters the request asks about.
   * `findMeter` is how the request looks a meter up at the provider before its mapping is set.
   */
  forRequest(findMeter: FindMeter): MeteringPointLookup {
    return new MeteringPointLookup(this, findMeter);
  }
}

/** One request's view of a provider's mapping (per request, like the loaders: a later request sees later changes). */
export class MeteringPointLookup {
  private assignments: Promise<Map<string, string | null>> | undefined;

  constructor(
    readonly mapping: MeteringPointMapping,
    private readonly findMeter: FindMeter,
  ) {}

  private current(): Promise<Map<string, string | null>> {
    return (this.assignments ??= this.mapping
      .entries()
      .then((entries) => new Map(entries.map((entry) => [entry.meterId, entry.meteringPointId]))));
  }

  /** The metering point a meter measures: the provider's own id when it records one, else the mapping's. */
  async meteringPointOf(meterId: string, recordedByProvider: string | null): Promise<string | null> {
    if (recordedByProvider) return recordedByProvider;
    return (await this.current()).get(meterId) ?? null;
  }

  /** The ids of the meters mapped to `meteringPointId` (for the meters whose provider records none). */
  async metersAt(meteringPointId: string): Promise<string[]> {
    return [...(await this.current())].filter(([, point]) => point === meteringPointId).map(([meterId]) => meterId);
  }

  /**
   * A join's candidates (the meters the provider lists under the asked points and those mapped to them)
   * sorted by the point each is at: its own id when the provider records one, else the mapping's. Each
   * meter counts once, however often it was loaded.
   */
  async atMeteringPoints<T>(
    meters: readonly T[],
    identify: (meter: T) => { meterId: string; recorded: string | null },
  ): Promise<(meteringPointId: string) => T[]> {
    const byPoint = new Map<string, Map<string, T>>();
    for (const meter of meters) {
      const { meterId, recorded } = identify(meter);
      const point = await this.meteringPointOf(meterId, recorded);
      if (point === null) continue;
      if (!byPoint.has(point)) byPoint.set(point, new Map());
      byPoint.get(point)!.set(meterId, meter);
    }
    return (meteringPointId) => [...(byPoint.get(meteringPointId)?.values() ?? [])];
  }

  /**
   * Sets a meter's entry (MeteringPointMapping.set) once the provider has confirmed the meter exists:
   * malformed ids are BAD_USER_INPUT before any call, an unknown meter NOT_FOUND; either way nothing is stored.
   */
  async set(meterId: string, meteringPointId: string | null): Promise<MeteringPointMappingEntry> {
    const { provider } = this.mapping;
    const { meter, point } = checkedAssignment(provider, meterId, meteringPointId);
    try {
      await this.findMeter(meter);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      throw new NotFoundError(`No ${PROVIDER_LABELS[provider]} meter has id ${meter}; its metering point was not set.`, {
        provider,
        field: 'meterId',
      });
    }
    const entry = await this.mapping.set(meter, point);
    this.assignments = undefined;
    return entry;
  }
}

/**
 * The meters a join loaded for the mapping's meter ids: one the provider no longer has is left out (the
 * mapping outlived it); any other failure fails the join.
 */
export function mappedMetersFound<T>(loaded: ReadonlyArray<T | Error>): T[] {
  const failed = loaded.find((meter): meter is Error => meter instanceof Error && !(meter instanceof NotFoundError));
  if (failed) throw failed;
  return loaded.filter((meter): meter is T => !(meter instanceof Error));
}

/** Both ids of an entry, trimmed and checked (BAD_USER_INPUT naming the provider and the field). */
function checkedAssignment(provider: ProviderName, meterId: string, meteringPointId: string | null) {
  const details = { provider };
  return {
    meter: checkedMeterId(meterId, details),
    point: meteringPointId === null ? null : checkedMeteringPointId(meteringPointId, details),
  };
}

function checkedMeterId(value: string, details: ErrorDetails = {}): string {
  const trimmed = value.trim();
  if (!ID_PATTERN.test(trimmed) || trimmed.length > MAX_METER_ID_LENGTH) {
    throw new BadUserInputError(
      `meterId must be the provider's id of a meter (letters, digits, ".", "_", ":" or "-"; at most ${MAX_METER_ID_LENGTH} characters).`,
      { ...details, field: 'meterId' },
    );
  }
  return trimmed;
}

function checkedMeteringPointId(value: string, details: ErrorDetails = {}): string {
  const trimmed = value.trim();
  if (!ID_PATTERN.test(trimmed) || trimmed.length > MAX_METERING_POINT_ID_LENGTH) {
    throw new BadUserInputError(
      `meteringPointId must be a national metering point id (letters, digits, ".", "_", ":" or "-"; at most ${MAX_METERING_POINT_ID_LENGTH} characters), e.g. an 18-digit EAN; use null for none.`,
      { ...details, field: 'meteringPointId' },
    );
  }
  return trimmed;
}

/**
 * Reads METERING_POINT_MAPPING_FILE: JSON (`[{"provider": "INTELLIMETER", "meterId": "3",
 * "meteringPointId": "871687120000000011"}, …]`) or CSV with the header `provider,meterId,meteringPointId`
 * (by the file's extension). An empty meteringPointId means none. Every provider's rows, checked as the
 * mutation checks them; a bad file is a ConfigError naming the row.
 */
export function readMeteringPointMappingFile(path: string): Map<ProviderName, Map<string, string | null>> {
  let rows: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    rows =
      extname(path).toLowerCase() === '.csv' ? parseCsv(text, { columns: true, skip_empty_lines: true, trim: true }) : JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`METERING_POINT_MAPPING_FILE ${path} cannot be read: ${(error as Error).message}`);
  }
  if (!Array.isArray(rows)) throw new ConfigError(`METERING_POINT_MAPPING_FILE ${path} must hold a list of rows.`);
  const byProvider = new Map<ProviderName, Map<string, string | null>>();
  rows.forEach((row: Record<string, unknown>, index) => {
    const where = `METERING_POINT_MAPPING_FILE ${path}, row ${index + 1}`;
    const provider = String(row?.provider ?? '').toUpperCase() as ProviderName;
    if (!PROVIDER_NAMES.includes(provider)) throw new ConfigError(`${where}: provider must be one of ${PROVIDER_NAMES.join(', ')}.`);
    const point = row.meteringPointId === null || row.meteringPointId === undefined ? '' : String(row.meteringPointId);
    try {
      const meterId = checkedMeterId(String(row.meterId ?? ''));
      let meters = byProvider.get(provider);
      if (!meters) byProvider.set(provider, (meters = new Map()));
      meters.set(meterId, point.trim() ? checkedMeteringPointId(point) : null);
    } catch (error) {
      throw new ConfigError(`${where}: ${(error as Error).message}`);
    }
  });
  return byProvider;
}
