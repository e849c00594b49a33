import DataLoader from 'dataloader';
import { groupBy, oncePerArguments, perKeyLoader } from '../../shared/connector/batching.js';
import type { OpenvoltClient } from './client.js';
import { OPENVOLT_MAX_PAGE_SIZE, type OpenvoltMeterRecord } from './contract.js';

/**
 * Per-request DataLoaders over the Openvolt connector (never module-level: cached records would leak
 * between users). Openvolt has no batch endpoints, so batching here means one call per distinct id.
 * Readings go through the kit's pipeline (readings.ts).
 */

/**
 * What the subgraph has learnt about the size of the Openvolt account (one per server process, shared
 * by its requests; it holds no records, only whether the meters fill more than one page).
 */
export interface OpenvoltAccountShape {
  /** The account's meters were seen not to fit one page of GET /meters. */
  moreThanOnePage: boolean;
}

export function createOpenvoltLoaders(client: OpenvoltClient, account: OpenvoltAccountShape = { moreThanOnePage: false }) {
  const customerById = perKeyLoader((id: string) => client.getCustomer(id));

  const meterById = perKeyLoader(async (id: string) => {
    const meter = await client.getMeter(id);
    // The meter answer embeds its customer: later `customer` fields cost no call.
    if (meter.customer?._id) customerById.prime(meter.customer._id, meter.customer);
    return meter;
  });

  const consentById = perKeyLoader((id: string) => client.getConsent(id));

  const documentById = perKeyLoader((id: string) => client.getDocument(id));

  /** One page of GET /meters per distinct filters and page: lists asked twice (aliases) share it. */
  const meterPage = oncePerArguments((filters: Parameters<OpenvoltClient['listMeters']>[0]) => client.listMeters(filters));

  /**
   * All meters registered under one meter number, across customers (the MeteringPoint join). GET /meters
   * filters by one meter_number, so K metering points are K calls; but an account whose meters fit one
   * page answers any number of them with that one page. So for several numbers the first page of all
   * meters is read once; if it holds every meter it answers them all, otherwise the account is
   * remembered as large and each number is looked up by its filter (this once-per-process probe is the
   * only call that can be spent in vain).
   */
  const metersByNumber = new DataLoader<string, OpenvoltMeterRecord[]>(async (numbers) => {
    if (numbers.length > 1 && !account.moreThanOnePage) {
      try {
        const firstPage = await meterPage({ page: 1, pageSize: OPENVOLT_MAX_PAGE_SIZE });
        if (firstPage.length < OPENVOLT_MAX_PAGE_SIZE) {
          const byNumber = groupBy(firstPage, (meter) => meter.meter_number);
          return numbers.map((number) => byNumber.get(number) ?? []);
        }
        account.moreThanOnePage = true;
      } catch (error) {
        return numbers.map(() => (error instanceof Error ? error : new Error(String(error))));
      }
    }
    return Promise.all(
      numbers.map((number) =>
        client
          .listAllMeters({ meter_number: number })
          .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
      ),
    );
  });

  return { customerById, meterById, consentById, documentById, meterPage, metersByNumber };
}

export type OpenvoltLoaders = ReturnType<typeof createOpenvoltLoaders>;
