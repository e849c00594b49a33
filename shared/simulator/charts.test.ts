import { describe, expect, it } from 'vitest';
import { renderChartPdf, renderChartPng } from './charts.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Reads width and height from the PNG's IHDR chunk. */
function pngSize(png: Buffer) {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('charts', () => {
  const spec = { width: 320, height: 200, labels: ['Mon', 'Tue', 'Wed'], series: [{ label: 'kWh', values: [3, 5, 2] }] };

  it.each(['bar', 'line', 'pie'] as const)('draws a %s chart as a PNG of the asked size', async (kind) => {
    const png = await renderChartPng({ ...spec, kind });
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 320, height: 200 });
  });

  it('uses the given colours', async () => {
    const red = await renderChartPng({ ...spec, kind: 'bar', colors: ['#ff0000'], background: '#ffffff' });
    const blue = await renderChartPng({ ...spec, kind: 'bar', colors: ['#0000ff'], background: '#ffffff' });
    expect(red.equals(blue)).toBe(false);
  });

  it('refuses a size of zero', async () => {
    await expect(renderChartPng({ ...spec, kind: 'bar', width: 0 })).rejects.toThrow(/width must be an integer from 16/);
  });

  it('wraps the chart in a PDF', async () => {
    const pdf = await renderChartPdf({ ...spec, kind: 'line', title: 'Facility 1' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
  });
});
