import type { ChartConfiguration } from 'chart.js';
import { HttpError } from './server.js';

/**
 * Consumption charts as real images, for the simulators of providers that serve them (Intellimeter's
 * /graphics, EnerKey's facility images). Chart.js draws on a Skia canvas (@napi-rs/canvas, prebuilt
 * from npm, no system libraries); a PDF wraps the same PNG with a title.
 */

/**
 * The drawing libraries, imported on the first chart. They are devDependencies: `npm ci` installs them
 * (npm start and the tests draw); the production image (`npm ci --omit=dev`) does not, so a simulator
 * started there serves everything but charts, which it answers with 501.
 */
let chartLibraries: Promise<typeof import('./chart-libraries.js')> | undefined;

function loadChartLibraries(): Promise<typeof import('./chart-libraries.js')> {
  return (chartLibraries ??= import('./chart-libraries.js').catch((error: unknown) => {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new HttpError(
      501,
      'This simulator draws no charts: its chart libraries (chart.js, @napi-rs/canvas, pdfkit) are development ' +
        'dependencies, not installed here. `npm ci` installs them; `npm ci --omit=dev` (the production image) does not.',
    );
  }));
}

export type ChartKind = 'bar' | 'line' | 'pie';

export interface ChartSeries {
  label: string;
  values: number[];
  /** CSS colour; a pie takes one colour per value from `colors` instead. */
  color?: string;
}

export interface ChartSpec {
  kind: ChartKind;
  /** Pixels, 16..4096. */
  width: number;
  height: number;
  title?: string;
  labels: string[];
  series: ChartSeries[];
  /** Colours used in turn for series (bar, line) or slices (pie). */
  colors?: string[];
  /** Page background; transparent when omitted. */
  background?: string;
}

export const DEFAULT_CHART_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const MIN_SIZE = 16;
const MAX_SIZE = 4096;

export async function renderChartPng(spec: ChartSpec): Promise<Buffer> {
  for (const [name, value] of [
    ['width', spec.width],
    ['height', spec.height],
  ] as const) {
    if (!Number.isInteger(value) || value < MIN_SIZE || value > MAX_SIZE) {
      throw new RangeError(`${name} must be an integer from ${MIN_SIZE} to ${MAX_SIZE} pixels, got ${value}`);
    }
  }
  const { Chart, createCanvas } = await loadChartLibraries();
  const colors = spec.colors?.length ? spec.colors : DEFAULT_CHART_COLORS;
  const canvas = createCanvas(spec.width, spec.height);
  const context = canvas.getContext('2d');
  if (spec.background) {
    context.fillStyle = spec.background;
    context.fillRect(0, 0, spec.width, spec.height);
  }
  const datasets = spec.series.map((series, index) => {
    const color = series.color ?? colors[index % colors.length];
    return spec.kind === 'pie'
      ? { label: series.label, data: series.values, backgroundColor: series.values.map((_, slice) => colors[slice % colors.length]) }
      : { label: series.label, data: series.values, backgroundColor: color, borderColor: color, pointRadius: 0, borderWidth: 2 };
  });
  const config: ChartConfiguration = {
    type: spec.kind,
    data: { labels: spec.labels, datasets },
    options: {
      animation: false,
      responsive: false,
      devicePixelRatio: 1,
      plugins: { title: { display: Boolean(spec.title), text: spec.title ?? '' } },
    },
  };
  // Chart.js only needs the 2D context API, which Skia's canvas implements.
  const chart = new Chart(context as unknown as ConstructorParameters<typeof Chart>[0], config);
  try {
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}

/** A one-page A4 landscape PDF: the title, then the chart as drawn by `renderChartPng`. */
export async function renderChartPdf(spec: ChartSpec): Promise<Buffer> {
  const png = await renderChartPng({ ...spec, background: spec.background ?? '#ffffff' });
  const { PDFDocument } = await loadChartLibraries();
  const document = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36, info: { Title: spec.title ?? 'Chart' } });
  const chunks: Buffer[] = [];
  document.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
  });
  if (spec.title) document.fontSize(16).text(spec.title);
  document.image(png, { fit: [document.page.width - 72, document.page.height - 120], align: 'center' });
  document.end();
  return done;
}
