import { createHash } from 'node:crypto';
import type { Express, Request, RequestHandler } from 'express';
import { DateTime } from 'luxon';
import { renderChartPdf, renderChartPng } from '../../shared/simulator/charts.js';
import type { EnerkeyActionRecord } from './contract.js';
import {
  bodyObject,
  createLoadProfile,
  type FaultSettings,
  fnv1a,
  HttpError,
  type LoadProfile,
  queryEnum,
  queryString,
  type RunningSimulator,
  SHARED_METERING_POINTS,
  startSimulator,
  stringField,
  faultsFromEnv,
} from '../../shared/simulator/index.js';
import type { SimulatorForSubgraph, SimulatorPlacement } from '../../shared/subgraph/provider.js';
import { numberInRange, readConfig } from '../../shared/subgraph/config.js';
import {
  DAY_MS,
  ENERKEY_BUDGET_WINDOW_MS,
  ENERKEY_DAILY_LIMIT,
  ENERKEY_MAX_HOURLY_DAYS,
  ENERKEY_MAX_METERING_POINTS_PER_CALL,
  ENERKEY_MAX_METERS_PER_VALUES_CALL,
  ENERKEY_MAX_MONTHLY_DAYS,
  ENERKEY_MAX_PUSH_DAYS,
  ENERKEY_PATHS,
  type EnerkeyMeterType,
  HOUR_MS,
} from './contract.js';

/**
 * A local EnerKey API following the inferred contract in CONTRACT.md (contract.ts holds the paths and
 * limits): raw API keys in `Authorization` with validity dates, a 24-hour request budget per key
 * reported in `X-Rate-Limit`, facilities, meters, quantities, values, push, actions, images and
 * provisioning. Seeded and deterministic; `reset()` returns it to the seed.
 */

/** The profile's two keys (both valid) and one that expired, as EnerKey's two-key scheme allows. */
export const ENERKEY_SIMULATOR_KEYS = {
  primary: 'enerkey-sim-primary-0f3a9c',
  secondary: 'enerkey-sim-secondary-7b21d4',
  expired: 'enerkey-sim-expired-5e8c11',
} as const;

export interface EnerkeySimulatorKey {
  key: string;
  validFrom: string;
  validTo: string;
}

export interface EnerkeySimulatorOptions {
  port?: number;
  host?: string;
  faults?: Partial<FaultSettings>;
  /** Requests each key may make per 24 hours (default 40,000). */
  dailyLimit?: number;
  /** The profile's keys with their validity dates; default: ENERKEY_SIMULATOR_KEYS. */
  keys?: EnerkeySimulatorKey[];
  /** The simulator's clock: only hours ended by now() have seeded data. */
  now?: () => Date;
}

export interface EnerkeySimulator extends RunningSimulator {
  /** Calls left for a key in its current 24-hour window. */
  remainingBudget(key: string): number;
}

interface Facility {
  id: number;
  name: string;
  enegiaId: string;
  address: { streetAddress: string; postalCode: string; city: string; country: string };
  timeZone: string;
  properties: Array<{ name: string; value: string; unit?: string }>;
}

interface Meter {
  id: number;
  facilityId: number;
  name: string;
  quantityId: number;
  unit: string;
  meterType: EnerkeyMeterType;
  meteringPointId?: string;
  /** Scale of the seeded load (kW at peak). */
  peakKw: number;
}

/** An action as the API answers it: the connector's record type is the wire shape. */
type Action = EnerkeyActionRecord;

interface ProvisioningCustomer {
  productCode: number;
  externalCustomerName: string;
  externalCustomerId: string;
}

interface ProvisioningRun {
  provisioningId: string;
  status: 'Completed' | 'Failed';
  externalCustomerId: string;
  facilitiesCreated: number;
  metersCreated: number;
  errors: string[];
  receivedAt: string;
}

interface Store {
  facilities: Map<number, Facility>;
  meters: Map<number, Meter>;
  actions: Map<number, Action>;
  /** Pushed interval values by meter, keyed by hour start (epoch ms), in the meter's unit. */
  pushed: Map<number, Map<number, number>>;
  /** The latest cumulative reading pushed per meter (a cumulative push differences against it). */
  lastReading: Map<number, { hourMs: number; value: number }>;
  customers: Map<string, ProvisioningCustomer>;
  /** Provisioning data sets already processed, by content hash → provisioning id. */
  dataSets: Map<string, string>;
  runs: Map<string, ProvisioningRun>;
}

const QUANTITIES = [
  { id: 1, name: 'Electricity', unit: 'kWh' },
  { id: 2, name: 'Water', unit: 'm3' },
  { id: 3, name: 'District heating', unit: 'MWh' },
  { id: 4, name: 'Natural gas', unit: 'm3' },
  { id: 6, name: 'District cooling', unit: 'MWh' },
] as const;

/** No seeded values before this instant (meters were installed then). */
const SEED_DATA_START_MS = Date.UTC(2022, 0, 1);

export async function startEnerkeySimulator(options: EnerkeySimulatorOptions = {}): Promise<EnerkeySimulator> {
  const now = options.now ?? (() => new Date());
  const dailyLimit = options.dailyLimit ?? ENERKEY_DAILY_LIMIT;
  const keys = options.keys ?? [
    { key: ENERKEY_SIMULATOR_KEYS.primary, validFrom: '2024-01-01', validTo: '2099-12-31' },
    { key: ENERKEY_SIMULATOR_KEYS.secondary, validFrom: '2025-01-01', validTo: '2099-12-31' },
    { key: ENERKEY_SIMULATOR_KEYS.expired, validFrom: '2022-01-01', validTo: '2023-12-31' },
  ];
  const budgets = new Map<string, { windowStart: number; used: number }>();
  const profiles = new Map<number, LoadProfile>();
  let store = seedStore();

  function remaining(key: string, at: number): number {
    const budget = budgets.get(key);
    if (!budget || at - budget.windowStart >= ENERKEY_BUDGET_WINDOW_MS) return dailyLimit;
    return Math.max(0, dailyLimit - budget.used);
  }

  /** The raw key in `Authorization`, valid today, with calls left; sets X-Rate-Limit. */
  const authorize: RequestHandler = (req, res, next) => {
    const sent = req.get('authorization')?.trim();
    if (!sent) throw new HttpError(401, 'Missing API key: send the key in the Authorization header');
    const key = keys.find((candidate) => candidate.key === sent);
    if (!key) throw new HttpError(401, 'Invalid API key');
    const today = now().toISOString().slice(0, 10);
    if (today < key.validFrom) throw new HttpError(401, `The API key is valid from ${key.validFrom}`);
    if (today > key.validTo) throw new HttpError(401, `The API key expired on ${key.validTo}`);
    const at = now().getTime();
    let budget = budgets.get(sent);
    if (!budget || at - budget.windowStart >= ENERKEY_BUDGET_WINDOW_MS) {
      budget = { windowStart: at, used: 0 };
      budgets.set(sent, budget);
    }
    if (budget.used >= dailyLimit) {
      res.set('Retry-After', String(Math.max(1, Math.ceil((budget.windowStart + ENERKEY_BUDGET_WINDOW_MS - at) / 1000))));
      throw new HttpError(429, `Rate limit exceeded: ${dailyLimit} requests per 24 hours per API key`);
    }
    budget.used += 1;
    res.set('X-Rate-Limit', String(dailyLimit - budget.used));
    next();
  };

  function profileFor(meter: Meter): LoadProfile {
    let profile = profiles.get(meter.id);
    if (!profile) {
      profile = createLoadProfile({ seed: `enerkey:meter:${meter.id}`, baseKw: meter.peakKw / 8, peakKw: meter.peakKw });
      profiles.set(meter.id, profile);
    }
    return profile;
  }

  /**
   * The meter's value for the hour starting at `hourMs` in its own unit, or undefined when there is none:
   * before the meter was installed, or for an hour that has not ended (a value pushed for it waits).
   */
  function hourValue(meter: Meter, hourMs: number): number | undefined {
    if (hourMs + HOUR_MS > now().getTime()) return undefined;
    const pushed = store.pushed.get(meter.id)?.get(hourMs);
    if (pushed !== undefined) return pushed;
    if (hourMs < SEED_DATA_START_MS) return undefined;
    const kwh = profileFor(meter).energyKwh(hourMs, HOUR_MS);
    if (kwh === null) return undefined;
    return round(kwh * unitFactor(meter));
  }

  function meter(id: number): Meter {
    const found = store.meters.get(id);
    if (!found) throw new HttpError(404, `Meter ${id} not found`);
    return found;
  }

  function facility(id: number): Facility {
    const found = store.facilities.get(id);
    if (!found) throw new HttpError(404, `Facility ${id} not found`);
    return found;
  }

  /** Sums of a meter's hourly values per calendar month in `zone`, over [from, to); none for a month that has not ended. */
  function monthly(m: Meter, from: DateTime, to: DateTime): Array<{ start: DateTime; value: number }> {
    const out: Array<{ start: DateTime; value: number }> = [];
    for (
      let month = from.startOf('month');
      month < to && month.plus({ months: 1 }).toMillis() <= now().getTime();
      month = month.plus({ months: 1 })
    ) {
      const start = Math.max(month.toMillis(), from.toMillis());
      const end = Math.min(month.plus({ months: 1 }).toMillis(), to.toMillis());
      let sum = 0;
      let any = false;
      for (let hour = Math.ceil(start / HOUR_MS) * HOUR_MS; hour < end; hour += HOUR_MS) {
        const value = hourValue(m, hour);
        if (value === undefined) continue;
        sum += value;
        any = true;
      }
      if (any) out.push({ start: month, value: round(sum) });
    }
    return out;
  }

  function valuesRequest(req: Request, maxDays: number) {
    const ids = idList(queryString(req, 'meterIds'), 'meterIds');
    if (ids.length === 0) throw new HttpError(400, 'meterIds is required: a comma-separated list of meter ids');
    if (ids.length > ENERKEY_MAX_METERS_PER_VALUES_CALL) {
      throw new HttpError(400, `At most ${ENERKEY_MAX_METERS_PER_VALUES_CALL} meterIds per request`);
    }
    const start = timestamp(queryString(req, 'start'), 'start');
    const end = timestamp(queryString(req, 'end'), 'end');
    if (end <= start) throw new HttpError(400, 'end must be after start');
    if (end.toMillis() - start.toMillis() > maxDays * DAY_MS) throw new HttpError(400, `At most ${maxDays} days per request`);
    // EnerKey answers in the form asked for: the offset of `start` (Z stays Z).
    const meters = ids.map((id) => store.meters.get(id)).filter((m): m is Meter => m !== undefined);
    return { meters, start, end, format: (t: DateTime) => formatTimestamp(t, start) };
  }

  function seriesHeader(m: Meter) {
    return { meterId: m.id, quantityId: m.quantityId, unit: m.unit };
  }

  const simulator = await startSimulator({
    name: 'enerkey',
    host: options.host,
    port: options.port,
    faults: options.faults,
    onReset() {
      store = seedStore();
      budgets.clear();
    },
    errorBody: (status, message) => ({ status, message }),
    configure(app: Express) {
      app.get(`/${ENERKEY_PATHS.facilities}`, authorize, (req, res) => {
        const ids = idList(queryString(req, 'ids'), 'ids');
        const all = [...store.facilities.values()];
        res.json(ids.length === 0 ? all : all.filter((f) => ids.includes(f.id)));
      });
      app.get(`/${ENERKEY_PATHS.facility(':id')}`, authorize, (req, res) => {
        res.json(facility(pathNumber(req, 'id')));
      });
      app.get(`/${ENERKEY_PATHS.meters}`, authorize, (req, res) => {
        const facilityIds = idList(queryString(req, 'facilityIds'), 'facilityIds');
        const meterIds = idList(queryString(req, 'meterIds'), 'meterIds');
        const points = textList(queryString(req, 'meteringPointIds'));
        if (points.length > ENERKEY_MAX_METERING_POINTS_PER_CALL) {
          throw new HttpError(400, `At most ${ENERKEY_MAX_METERING_POINTS_PER_CALL} meteringPointIds per request`);
        }
        if (facilityIds.length === 0 && meterIds.length === 0 && points.length === 0) {
          throw new HttpError(400, 'Give facilityIds, meterIds or meteringPointIds');
        }
        res.json(
          [...store.meters.values()]
            .filter((m) => facilityIds.length === 0 || facilityIds.includes(m.facilityId))
            .filter((m) => meterIds.length === 0 || meterIds.includes(m.id))
            .filter((m) => points.length === 0 || (m.meteringPointId !== undefined && points.includes(m.meteringPointId)))
            .map(({ peakKw: _peak, ...rest }) => rest),
        );
      });
      app.get(`/${ENERKEY_PATHS.quantities}`, authorize, (_req, res) => {
        res.json(QUANTITIES);
      });

      app.get(`/${ENERKEY_PATHS.hourlyValues}`, authorize, (req, res) => {
        const { meters, start, end, format } = valuesRequest(req, ENERKEY_MAX_HOURLY_DAYS);
        const first = Math.ceil(start.toMillis() / HOUR_MS) * HOUR_MS;
        res.json(
          meters.map((m) => {
            const values: Array<{ timestamp: string; value: number }> = [];
            for (let hour = first; hour + HOUR_MS <= end.toMillis(); hour += HOUR_MS) {
              const value = hourValue(m, hour);
              if (value !== undefined) values.push({ timestamp: format(DateTime.fromMillis(hour)), value });
            }
            return { ...seriesHeader(m), values };
          }),
        );
      });
      for (const [path, normalized] of [
        [ENERKEY_PATHS.monthlyValues, false],
        [ENERKEY_PATHS.normalizedMonthlyValues, true],
      ] as const) {
        app.get(`/${path}`, authorize, (req, res) => {
          const { meters, start, end, format } = valuesRequest(req, ENERKEY_MAX_MONTHLY_DAYS);
          res.json(
            meters.map((m) => ({
              ...seriesHeader(m),
              ...(normalized ? { normalization: 'heating degree days' } : {}),
              values: monthly(m, start, end).map(({ start: month, value }) => ({
                timestamp: format(month),
                value: normalized ? round(value * normalizationFactor(m, month)) : value,
              })),
            })),
          );
        });
      }

      app.post(`/${ENERKEY_PATHS.pushConsumptions}`, authorize, (req, res) => {
        const { target, points } = pushRequest(req, 'values');
        if (target.meterType !== 'consumption') {
          throw new HttpError(400, `Meter ${target.id} measures cumulative readings; use PushCumulativeReadingsForMeter`);
        }
        const hours = new Map<number, number>();
        for (const point of points) hours.set(point.hourMs, round((hours.get(point.hourMs) ?? 0) + point.value));
        const stored = store.pushed.get(target.id) ?? new Map<number, number>();
        for (const [hourMs, value] of hours) stored.set(hourMs, value);
        store.pushed.set(target.id, stored);
        res.json(pushAnswer(target, hours.size, points));
      });
      app.post(`/${ENERKEY_PATHS.pushCumulativeReadings}`, authorize, (req, res) => {
        const { target, points } = pushRequest(req, 'readings');
        if (target.meterType !== 'cumulative') {
          throw new HttpError(400, `Meter ${target.id} measures consumption; use PushConsumptionsForMeter`);
        }
        // The last reading within an hour stands for that hour; consumption is the step between hours.
        const byHour = new Map<number, number>();
        for (const point of [...points].sort((a, b) => a.at - b.at)) byHour.set(point.hourMs, point.value);
        const readings = [...byHour.entries()].sort((a, b) => a[0] - b[0]);
        const previous = store.lastReading.get(target.id);
        const chain = previous && previous.hourMs < readings[0]![0] ? [[previous.hourMs, previous.value] as const, ...readings] : readings;
        const steps = new Map<number, number>();
        for (let i = 1; i < chain.length; i++) {
          const [fromHour, fromValue] = chain[i - 1]!;
          const [toHour, toValue] = chain[i]!;
          if (toValue < fromValue) {
            throw new HttpError(
              400,
              `Cumulative reading ${toValue} at ${new Date(toHour).toISOString()} is below the previous ${fromValue}; readings must not decrease`,
            );
          }
          // A step over several hours is spread evenly over them (inferred).
          const span = (toHour - fromHour) / HOUR_MS;
          for (let hour = fromHour; hour < toHour; hour += HOUR_MS) steps.set(hour, round((toValue - fromValue) / span));
        }
        const stored = store.pushed.get(target.id) ?? new Map<number, number>();
        for (const [hourMs, value] of steps) stored.set(hourMs, value);
        store.pushed.set(target.id, stored);
        const [lastHour, lastValue] = readings.at(-1)!;
        if (!previous || lastHour >= previous.hourMs) store.lastReading.set(target.id, { hourMs: lastHour, value: lastValue });
        res.json(pushAnswer(target, steps.size, points));
      });

      app.get(`/${ENERKEY_PATHS.actions}`, authorize, (req, res) => {
        const facilityIds = idList(queryString(req, 'facilityIds'), 'facilityIds');
        res.json([...store.actions.values()].filter((a) => facilityIds.length === 0 || facilityIds.includes(a.facilityId)));
      });
      app.get(`/${ENERKEY_PATHS.action(':id')}`, authorize, (req, res) => {
        res.json(action(pathNumber(req, 'id')));
      });
      app.put(`/${ENERKEY_PATHS.action(':id')}`, authorize, (req, res) => {
        const id = pathNumber(req, 'id');
        action(id);
        const replaced = actionBody(bodyObject(req), id);
        facility(replaced.facilityId);
        store.actions.set(id, { ...replaced, modifiedAt: now().toISOString() });
        res.json(store.actions.get(id));
      });

      app.get(`/${ENERKEY_PATHS.facilityImage(':id')}`, authorize, async (req, res) => {
        const f = facility(pathNumber(req, 'id'));
        const format = queryEnum(req, 'format', ['png', 'pdf'] as const) ?? 'png';
        const layout = queryEnum(req, 'layout', ['report', 'graph'] as const) ?? 'report';
        const colors = colorList(queryString(req, 'colors'));
        const end = queryString(req, 'end')
          ? timestamp(queryString(req, 'end'), 'end')
          : DateTime.fromJSDate(now()).toUTC().startOf('month');
        const start = queryString(req, 'start') ? timestamp(queryString(req, 'start'), 'start') : end.minus({ months: 12 });
        if (end <= start) throw new HttpError(400, 'end must be after start');
        if (end.toMillis() - start.toMillis() > ENERKEY_MAX_MONTHLY_DAYS * DAY_MS) {
          throw new HttpError(400, `At most ${ENERKEY_MAX_MONTHLY_DAYS} days per image`);
        }
        const meters = [...store.meters.values()].filter((m) => m.facilityId === f.id && isEnergyUnit(m.unit));
        const labels: string[] = [];
        for (let month = start.startOf('month'); month < end; month = month.plus({ months: 1 })) labels.push(month.toFormat('yyyy-MM'));
        const series = meters.map((m) => {
          const byMonth = new Map(monthly(m, start, end).map(({ start: month, value }) => [month.toFormat('yyyy-MM'), value]));
          return { label: `${m.name} (kWh)`, values: labels.map((label) => round((byMonth.get(label) ?? 0) / unitFactor(m))) };
        });
        const spec = {
          kind: 'bar' as const,
          width: layout === 'report' ? 1000 : 600,
          height: layout === 'report' ? 600 : 300,
          title: layout === 'report' ? `${f.name}, ${f.address.city}: consumption by month` : undefined,
          labels,
          series,
          colors,
          background: '#ffffff',
        };
        const image = format === 'pdf' ? await renderChartPdf(spec) : await renderChartPng(spec);
        res.type(format === 'pdf' ? 'application/pdf' : 'image/png').send(image);
      });

      app.post(`/${ENERKEY_PATHS.provisioningCustomers}`, authorize, (req, res) => {
        const body: unknown = req.body;
        if (!Array.isArray(body)) throw new HttpError(400, 'The body must be a JSON array of customers');
        const customers = body.map(provisioningCustomer);
        const ids = new Set(customers.map((c) => c.externalCustomerId));
        if (ids.size !== customers.length) throw new HttpError(400, 'externalCustomerId must be unique within the snapshot');
        let created = 0;
        let updated = 0;
        for (const customer of customers) {
          if (store.customers.has(customer.externalCustomerId)) updated++;
          else created++;
        }
        // A snapshot: customers missing from it are deleted.
        const deleted = [...store.customers.keys()].filter((id) => !ids.has(id));
        store.customers = new Map(customers.map((c) => [c.externalCustomerId, c]));
        res.json({ created, updated, deleted: deleted.length, deletedCustomerIds: deleted, customers });
      });
      app.post(`/${ENERKEY_PATHS.provisioningData}`, authorize, (req, res) => {
        const body = bodyObject(req);
        const externalCustomerId = stringField(body, 'externalCustomerId', true)!;
        const facilities = body.facilities;
        if (!Array.isArray(facilities) || facilities.length === 0) throw new HttpError(400, 'facilities must be a non-empty array');
        const hash = createHash('sha256').update(canonicalJson(body)).digest('hex');
        const known = store.dataSets.get(hash);
        if (known) {
          res.status(208).json({ provisioningId: known, message: 'The same data set was already processed' });
          return;
        }
        let metersCreated = 0;
        for (const item of facilities) {
          if (typeof item !== 'object' || item === null) throw new HttpError(400, 'each facility must be an object');
          const f = item as Record<string, unknown>;
          stringField(f, 'externalFacilityId', true);
          stringField(f, 'name', true);
          const meters = f.meters ?? [];
          if (!Array.isArray(meters)) throw new HttpError(400, 'facility meters must be an array');
          for (const m of meters) {
            if (typeof m !== 'object' || m === null) throw new HttpError(400, 'each meter must be an object');
            stringField(m as Record<string, unknown>, 'externalMeterId', true);
            const quantityId = (m as Record<string, unknown>).quantityId;
            if (!QUANTITIES.some((q) => q.id === quantityId)) throw new HttpError(400, `Unknown quantityId ${String(quantityId)}`);
            metersCreated++;
          }
        }
        const provisioningId = `prov-${hash.slice(0, 12)}`;
        const customerKnown = store.customers.has(externalCustomerId);
        store.dataSets.set(hash, provisioningId);
        store.runs.set(provisioningId, {
          provisioningId,
          status: customerKnown ? 'Completed' : 'Failed',
          externalCustomerId,
          facilitiesCreated: customerKnown ? facilities.length : 0,
          metersCreated: customerKnown ? metersCreated : 0,
          errors: customerKnown
            ? []
            : [`Customer ${externalCustomerId} is not provisioned; upsert it with UpsertProvisioningCustomer first`],
          receivedAt: now().toISOString(),
        });
        res.status(202).json({ provisioningId });
      });
      app.get(`/${ENERKEY_PATHS.provisioningStatus}`, authorize, (req, res) => {
        const id = queryString(req, 'provisioningId');
        if (!id) throw new HttpError(400, 'provisioningId is required');
        const run = store.runs.get(id);
        if (!run) throw new HttpError(404, `No provisioning with id ${id}`);
        res.json(run);
      });
    },
  });

  function action(id: number): Action {
    const found = store.actions.get(id);
    if (!found) throw new HttpError(404, `Action ${id} not found`);
    return found;
  }

  function pushRequest(req: Request, listName: 'values' | 'readings') {
    const body = bodyObject(req);
    const meterId = body.meterId;
    if (typeof meterId !== 'number' || !Number.isInteger(meterId)) throw new HttpError(400, 'meterId must be a whole number');
    const list = body[listName];
    if (!Array.isArray(list) || list.length === 0) throw new HttpError(400, `${listName} must be a non-empty array`);
    const points = list.map((item: unknown, index) => {
      if (typeof item !== 'object' || item === null) throw new HttpError(400, `${listName}[${index}] must be an object`);
      const record = item as Record<string, unknown>;
      const at = timestamp(
        typeof record.timestamp === 'string' ? record.timestamp : undefined,
        `${listName}[${index}].timestamp`,
      ).toMillis();
      if (typeof record.value !== 'number' || !Number.isFinite(record.value)) {
        throw new HttpError(400, `${listName}[${index}].value must be a number`);
      }
      return { at, hourMs: Math.floor(at / HOUR_MS) * HOUR_MS, value: record.value };
    });
    const first = Math.min(...points.map((p) => p.hourMs));
    const last = Math.max(...points.map((p) => p.hourMs));
    if (last + HOUR_MS - first > ENERKEY_MAX_PUSH_DAYS * DAY_MS) {
      throw new HttpError(400, `A push may span at most ${ENERKEY_MAX_PUSH_DAYS} days`);
    }
    return { target: meter(meterId), points };
  }

  function pushAnswer(target: Meter, hours: number, points: Array<{ hourMs: number }>) {
    const first = Math.min(...points.map((p) => p.hourMs));
    const last = Math.max(...points.map((p) => p.hourMs));
    return {
      meterId: target.id,
      unit: target.unit,
      hoursWritten: hours,
      start: new Date(first).toISOString(),
      end: new Date(last + HOUR_MS).toISOString(),
    };
  }

  return Object.assign(simulator, {
    remainingBudget: (key: string) => remaining(key, now().getTime()),
  });
}

// ---------------------------------------------------------------------------------------------------
// Parsing

function pathNumber(req: Request, name: string): number {
  const value = String(req.params[name]);
  if (!/^\d+$/.test(value)) throw new HttpError(400, `${name} must be a whole number`);
  return Number(value);
}

/** A comma-separated list of text ids (metering point ids), blanks dropped. */
function textList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function idList(value: string | undefined, name: string): number[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((part) => {
    if (!/^\s*\d+\s*$/.test(part)) throw new HttpError(400, `${name} must be a comma-separated list of whole numbers`);
    return Number(part);
  });
}

/** `2017-01-01T00:00:00Z` or `2017-01-01T00:00:00+02:00`: EnerKey's two timestamp forms, offset kept. */
function timestamp(value: string | undefined, name: string): DateTime {
  if (!value) throw new HttpError(400, `${name} is required`);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw new HttpError(400, `${name} must look like 2017-01-01T00:00:00Z or 2017-01-01T00:00:00+02:00`);
  }
  const parsed = DateTime.fromISO(value, { setZone: true });
  if (!parsed.isValid) throw new HttpError(400, `${name} is not a valid timestamp`);
  return parsed;
}

/** `t` in the form of `like`: Z when it was UTC, else the same fixed offset. */
function formatTimestamp(t: DateTime, like: DateTime): string {
  const shifted = t.setZone(like.zone);
  return like.offset === 0 && like.zoneName === 'UTC'
    ? shifted.toUTC().toISO({ suppressMilliseconds: true })!
    : shifted.toISO({ suppressMilliseconds: true })!;
}

function colorList(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(',').map((part) => {
    const color = part.trim();
    if (!/^#?[0-9a-fA-F]{6}$/.test(color)) throw new HttpError(400, `colors must be hex colours such as #1f77b4, got "${color}"`);
    return color.startsWith('#') ? color : `#${color}`;
  });
}

function actionBody(body: Record<string, unknown>, id: number): Omit<Action, 'modifiedAt'> {
  if (body.id !== undefined && body.id !== id) throw new HttpError(400, `The body's id ${String(body.id)} differs from the path's ${id}`);
  const int = (name: string): number => {
    const value = body[name];
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new HttpError(400, `${name} must be a whole number`);
    return value;
  };
  const nullableNumber = (name: string): number | null => {
    const value = body[name];
    if (value === null || value === undefined) return null;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new HttpError(400, `${name} must be a number or null`);
    return value;
  };
  const meterIds = body.meterIds ?? [];
  if (!Array.isArray(meterIds) || !meterIds.every((m) => Number.isInteger(m))) throw new HttpError(400, 'meterIds must be whole numbers');
  const status = stringField(body, 'status', true)!;
  if (!ACTION_STATUSES.includes(status)) throw new HttpError(400, `status must be one of ${ACTION_STATUSES.join(', ')}`);
  const endDate = stringField(body, 'endDate');
  return {
    id,
    facilityId: int('facilityId'),
    meterIds: meterIds as number[],
    type: stringField(body, 'type', true)!,
    status,
    title: stringField(body, 'title', true)!,
    description: stringField(body, 'description') ?? '',
    startDate: stringField(body, 'startDate', true)!,
    endDate: endDate ?? null,
    investment: nullableNumber('investment'),
    expectedSavingsKwh: nullableNumber('expectedSavingsKwh'),
  };
}

function provisioningCustomer(item: unknown, index: number): ProvisioningCustomer {
  if (typeof item !== 'object' || item === null) throw new HttpError(400, `customer ${index} must be an object`);
  const record = item as Record<string, unknown>;
  if (typeof record.productCode !== 'number' || !Number.isInteger(record.productCode)) {
    throw new HttpError(400, `customer ${index}: productCode must be an integer`);
  }
  return {
    productCode: record.productCode,
    externalCustomerName: stringField(record, 'externalCustomerName', true)!,
    externalCustomerId: stringField(record, 'externalCustomerId', true)!,
  };
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function isEnergyUnit(unit: string): boolean {
  return unit === 'kWh' || unit === 'MWh';
}

/** Seeded kWh → the meter's unit (m³ of water or gas are scaled so that the numbers look plausible). */
function unitFactor(meter: Meter): number {
  if (meter.unit === 'MWh') return 0.001;
  if (meter.unit === 'm3') return meter.quantityId === 2 ? 0.01 : 0.1;
  return 1;
}

/** Weather normalization: a seeded ratio of normal to actual heating degree days for the month. */
function normalizationFactor(meter: Meter, month: DateTime): number {
  return 0.85 + ((fnv1a(`enerkey:hdd:${meter.facilityId}:${month.toFormat('yyyy-MM')}`) % 3001) / 3000) * 0.3;
}

// ---------------------------------------------------------------------------------------------------
// Seed data

const ACTION_STATUSES = ['Planned', 'InProgress', 'Completed', 'Cancelled'];

function seedStore(): Store {
  const facilities: Facility[] = [
    {
      id: 1001,
      name: 'Keizersgracht Office',
      enegiaId: 'EK-1001',
      address: { streetAddress: 'Keizersgracht 123', postalCode: '1015 CJ', city: 'Amsterdam', country: 'NL' },
      timeZone: 'Europe/Amsterdam',
      properties: [
        { name: 'GrossArea', value: '4200', unit: 'm2' },
        { name: 'Volume', value: '14700', unit: 'm3' },
        { name: 'BuildYear', value: '1912' },
        { name: 'FacilityType', value: 'Office' },
      ],
    },
    {
      id: 1002,
      name: 'De Zonnewijzer School',
      enegiaId: 'EK-1002',
      address: { streetAddress: 'Schoolstraat 8', postalCode: '3581 PK', city: 'Utrecht', country: 'NL' },
      timeZone: 'Europe/Amsterdam',
      properties: [
        { name: 'GrossArea', value: '2600', unit: 'm2' },
        { name: 'BuildYear', value: '1998' },
        { name: 'FacilityType', value: 'School' },
        { name: 'SolarPanels', value: '120', unit: 'kWp' },
      ],
    },
    {
      id: 1003,
      name: 'Thameside Cold Store',
      enegiaId: 'EK-1003',
      address: { streetAddress: 'Unit 4, Riverside Industrial Estate', postalCode: 'SE16 4DG', city: 'London', country: 'GB' },
      timeZone: 'Europe/London',
      properties: [
        { name: 'GrossArea', value: '9800', unit: 'm2' },
        { name: 'FacilityType', value: 'Warehouse' },
      ],
    },
    {
      id: 1004,
      name: 'Ruoholahti Headquarters',
      enegiaId: 'EK-1004',
      address: { streetAddress: 'Itämerenkatu 5', postalCode: '00180', city: 'Helsinki', country: 'FI' },
      timeZone: 'Europe/Helsinki',
      properties: [
        { name: 'GrossArea', value: '12500', unit: 'm2' },
        { name: 'Volume', value: '48000', unit: 'm3' },
        { name: 'BuildYear', value: '2004' },
        { name: 'FacilityType', value: 'Office' },
      ],
    },
  ];
  const meters: Meter[] = [
    m(20001, 1001, 'Main electricity', 1, 'consumption', 40, SHARED_METERING_POINTS.officeEan),
    m(20002, 1001, 'District heating', 3, 'cumulative', 60),
    m(20003, 1001, 'Water', 2, 'cumulative', 10),
    m(20011, 1002, 'School electricity', 1, 'consumption', 25, SHARED_METERING_POINTS.schoolEan),
    m(20012, 1002, 'Gas boiler', 4, 'cumulative', 50),
    m(20021, 1003, 'Main incomer', 1, 'consumption', 120, SHARED_METERING_POINTS.testMpan),
    m(20022, 1003, 'Blast freezer hall', 1, 'consumption', 70),
    m(20031, 1004, 'Building electricity', 1, 'consumption', 150),
    m(20032, 1004, 'District heating', 3, 'cumulative', 200),
    m(20033, 1004, 'District cooling', 6, 'cumulative', 80),
    m(20034, 1004, 'Data centre', 1, 'consumption', 90),
  ];
  const actions: Action[] = [
    {
      id: 501,
      facilityId: 1001,
      meterIds: [20001],
      type: 'EnergySavingAction',
      status: 'InProgress',
      title: 'Replace office lighting with LED',
      description: 'Floors 1 to 4; motion sensors in meeting rooms.',
      startDate: '2025-03-01',
      endDate: null,
      investment: 48000,
      expectedSavingsKwh: 62000,
      modifiedAt: '2025-03-01T09:00:00Z',
    },
    {
      id: 502,
      facilityId: 1004,
      meterIds: [20032],
      type: 'EnergySavingAction',
      status: 'Planned',
      title: 'Tune district heating night setback',
      description: 'Lower supply temperature 22:00–05:00.',
      startDate: '2025-10-01',
      endDate: '2026-04-30',
      investment: 2500,
      expectedSavingsKwh: 120000,
      modifiedAt: '2025-09-12T13:30:00Z',
    },
    {
      id: 503,
      facilityId: 1003,
      meterIds: [20022],
      type: 'Comment',
      status: 'Completed',
      title: 'Freezer door seals replaced',
      description: 'Consumption dropped about 6 % after the repair.',
      startDate: '2024-11-04',
      endDate: '2024-11-05',
      investment: null,
      expectedSavingsKwh: null,
      modifiedAt: '2024-11-06T08:15:00Z',
    },
  ];
  return {
    facilities: new Map(facilities.map((f) => [f.id, f])),
    meters: new Map(meters.map((meter) => [meter.id, meter])),
    actions: new Map(actions.map((a) => [a.id, a])),
    pushed: new Map(),
    lastReading: new Map(),
    customers: new Map(),
    dataSets: new Map(),
    runs: new Map(),
  };
}

function m(
  id: number,
  facilityId: number,
  name: string,
  quantityId: number,
  meterType: EnerkeyMeterType,
  peakKw: number,
  meteringPointId?: string,
): Meter {
  const quantity = QUANTITIES.find((q) => q.id === quantityId)!;
  return { id, facilityId, name, quantityId, unit: quantity.unit, meterType, peakKw, ...(meteringPointId ? { meteringPointId } : {}) };
}

/** The simulator's own settings. */
export const settings = {
  ENERKEY_SIM_DAILY_LIMIT: numberInRange(
    1,
    10_000_000,
  )({ default: ENERKEY_DAILY_LIMIT, desc: 'Requests per key per 24 h the simulator allows' }),
};

/** For the kit (shared/subgraph/provider.ts): the simulator a subgraph without ENERKEY_API_URL runs against. */
export async function startForSubgraph(env: NodeJS.ProcessEnv, { host, port, now }: SimulatorPlacement): Promise<SimulatorForSubgraph> {
  const simulator = await startEnerkeySimulator({
    host,
    port,
    dailyLimit: Math.floor(readConfig(settings, env).ENERKEY_SIM_DAILY_LIMIT),
    now: now && (() => new Date(now())),
    faults: faultsFromEnv('ENERKEY', env),
  });
  return {
    simulator,
    env: {
      ENERKEY_API_URL: simulator.url,
      ENERKEY_API_KEY: env.ENERKEY_API_KEY || ENERKEY_SIMULATOR_KEYS.primary,
      ENERKEY_API_KEY_SECONDARY: env.ENERKEY_API_KEY_SECONDARY || ENERKEY_SIMULATOR_KEYS.secondary,
    },
  };
}
