import type { OpenvoltDataSource } from '../contract.js';

/** Openvolt's test meter numbers, which "simulate successful meters": always complete data. */
export const TEST_METER_NUMBERS: readonly string[] = ['9999999999999', '9999999999998', '9999999999997', '9999999999996', '9999999999995'];

/** The data sources of Great Britain, whose meter numbers are MPAN cores. */
const UK_DATA_SOURCES: ReadonlySet<OpenvoltDataSource> = new Set(['electralink', 'dcc']);
const MPAN_WEIGHTS = [3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43];

/** The check digit of a 13-digit MPAN core (the last digit), from its first 12. */
function mpanCheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * MPAN_WEIGHTS[i]!;
  return (sum % 11) % 10;
}

/** A 13-digit MPAN core for `distributor` with a valid check digit (or a wrong one, when asked). */
export function generateMpan(distributor: string, random: () => number, invalid: boolean): string {
  let first12 = distributor;
  while (first12.length < 12) first12 += Math.floor(random() * 10);
  const check = mpanCheckDigit(first12);
  return first12 + (invalid ? (check + 1) % 10 : check);
}

/** UK meters need a valid MPAN core; Openvolt's test numbers are exempt (they fail the check digit). */
export function hasInvalidMeterNumber(meterNumber: string, dataSource: OpenvoltDataSource): boolean {
  if (!UK_DATA_SOURCES.has(dataSource) || TEST_METER_NUMBERS.includes(meterNumber)) return false;
  return !/^\d{13}$/.test(meterNumber) || mpanCheckDigit(meterNumber) !== Number(meterNumber[12]);
}
