import { DateTime } from 'luxon';
import { EnergyUnit, Resolution, type ReadingsSource, type SourceRow } from '../../shared/time/index.js';
import type { IntellimeterClient } from './client.js';
import { INTELLIMETER_MAX_FILE_DAYS } from './contract.js';

/**
 * What Intellimeter can serve (DESIGN.md, "Time series"): every point's cumulative register every five
 * minutes, in kWh, from history files of whole site-local days (at most INTELLIMETER_MAX_FILE_DAYS a
 * file, CONTRACT.md); the kit differences the registers into energy. A file holds every point, so all
 * points asked in a request share its calls. Meters are point names (MeterParam).
 */

/** A query may span 90 days: a file's 93 site days leave room for the zones to differ by a day at each end. */
export const INTELLIMETER_MAX_SPAN_DAYS = INTELLIMETER_MAX_FILE_DAYS - 3;

export function intellimeterReadings(client: IntellimeterClient, siteZone: string): ReadingsSource<string> {
  return {
    provider: 'INTELLIMETER',
    kind: 'register',
    // 92 days a call: the day of the register that closes the last interval makes 93.
    granularities: [
      {
        name: 'registers',
        resolution: Resolution.FIVE_MINUTES,
        zone: siteZone,
        call: { period: Resolution.DAY, maxPeriods: INTELLIMETER_MAX_FILE_DAYS - 1 },
      },
    ],
    maxSpanDays: INTELLIMETER_MAX_SPAN_DAYS,
    meterKey: (name) => name,
    unit: () => EnergyUnit.KWH,
    async load(names, _registers, { fromMs, toMs }) {
      const firstDay = DateTime.fromMillis(fromMs, { zone: siteZone }).toISODate()!;
      const lastDay = DateTime.fromMillis(toMs, { zone: siteZone }).toISODate()!;
      // One point: ask for it alone; several: one file of all points is one call instead of many.
      const readings = await client.history(firstDay, lastDay, names.length === 1 ? names[0] : undefined);
      const rows = new Map<string, SourceRow[]>();
      for (const { meter, at, value } of readings) {
        let meterRows = rows.get(meter);
        if (!meterRows) rows.set(meter, (meterRows = []));
        meterRows.push({ at: at.getTime(), value });
      }
      return rows;
    },
  };
}
