import DataLoader from 'dataloader';
import { asError, oncePerArguments, perKeyLoader } from '../../shared/connector/batching.js';
import { mappedMetersFound, type MeteringPointLookup } from '../../shared/subgraph/metering-point-mapping.js';
import type { OpenvoltClient } from './client.js';
import { OPENVOLT_MAX_PAGE_SIZE, type OpenvoltMeterRecord } from './contract.js';
import { recordedMeterPointId } from './schema.js';

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

export function createOpenvoltLoaders(
  client: OpenvoltClient,
  meteringPoints: MeteringPointLookup,
  account: OpenvoltAccountShape = { moreThanOnePage: false },
) {
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
   * The MeteringPoint join: the meters at each metering point — those whose number Openvolt records as
   * that point, and those the metering-point mapping assigns to it (a meter without one of its own, e.g. a
   * SolarEdge meter). GET /meters filters by one meter_number, so K points are K calls, and each mapped
   * meter one GET; but an account whose meters fit one page answers any number of points and mapped
   * meters with that one page. So when a batch asks more than one thing (points plus mapped meters), the
   * first page of all meters is read once; if it holds every meter it answers them all, otherwise the
   * account is remembered as large and each is asked on its own (this once-per-process probe is the only
   * call that can be spent in vain).
   */
  const metersAtPoint = new DataLoader<string, OpenvoltMeterRecord[]>(async (pointIds) => {
    const mapped = await Promise.all(pointIds.map((pointId) => meteringPoints.metersAt(pointId)));
    const atPoints = (meters: OpenvoltMeterRecord[]) =>
      meteringPoints.atMeteringPoints(meters, (meter) => ({ meterId: meter._id, recorded: recordedMeterPointId(meter) }));
    if (pointIds.length + mapped.flat().length > 1 && !account.moreThanOnePage) {
      try {
        const firstPage = await meterPage({ page: 1, pageSize: OPENVOLT_MAX_PAGE_SIZE });
        if (firstPage.length < OPENVOLT_MAX_PAGE_SIZE) return pointIds.map(await atPoints(firstPage));
        account.moreThanOnePage = true;
      } catch (error) {
        return pointIds.map(() => asError(error));
      }
    }
    return Promise.all(
      pointIds.map(async (pointId, index) => {
        try {
          const [numbered, assigned] = await Promise.all([
            client.listAllMeters({ meter_number: pointId }),
            meterById.loadMany(mapped[index]!).then(mappedMetersFound),
          ]);
          return (await atPoints([...numbered, ...assigned]))(pointId);
        } catch (error) {
          return asError(error);
        }
      }),
    );
  });

  return { customerById, meterById, consentById, documentById, meterPage, metersAtPoint };
}

export type OpenvoltLoaders = ReturnType<typeof createOpenvoltLoaders>;
