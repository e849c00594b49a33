/** Types of series.js, the playground's browser module (served as it is, so written in JavaScript). */
export interface ChartSeries {
  /** "<owner> · <field>", e.g. "9999999999999 · consumption". */
  label: string;
  unit: string | null;
  timeZone: string | null;
  /** True when `x` is a time in ms (from `start`/`starts`), false when it is the value's position. */
  timed: boolean;
  points: Array<{ x: number; y: number | null }>;
}

export interface ChartImage {
  label: string;
  src: string;
}

export function chartables(data: unknown): { series: ChartSeries[]; images: ChartImage[] };
