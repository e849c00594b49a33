import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExamples } from '../gateway/playground/examples.js';
import { runOperation } from './support/operations.js';
import { startStack, type TestStack } from './support/stack.js';
import { findTool } from './support/tools.js';

/**
 * The playground in a real browser (Debian's chromium, driven by playwright-core): it opens on the
 * welcome and the examples, runs one, shows its result and charts its time series, shows a provider's
 * image, and loads nothing from any host but the gateway. `.ci/run`
 * installs chromium when it is missing. The screenshot is for a person to look at (git-ignored;
 * docs/playground.png is a copy).
 */

const CHROMIUM = findTool('chromium');
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
export const SCREENSHOT = join(ARTIFACTS, 'playground.png');
const EXAMPLES = loadExamples();
const WEEK = EXAMPLES.find((example) => example.file === 'openvolt-meter-week-by-day.graphql')!;
const FACILITY = EXAMPLES.find((example) => example.file === 'enerkey-facility-overview.graphql')!;

/** In the page: how many pixels of the Charts pane's canvas have the colour of its first series' line. */
const SERIES_PIXELS = `(() => {
  const canvas = document.querySelector('.gridgraph-chart canvas');
  const chart = canvas && Chart.getChart(canvas);
  if (!chart) return { points: 0, pixels: 0 };
  const [r, g, b] = chart.data.datasets[0].borderColor.match(/[0-9a-f]{2}/gi).map((hex) => parseInt(hex, 16));
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let pixels = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 128 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 60) pixels++;
  }
  return { points: chart.data.datasets[0].data.length, pixels };
})()`;

let stack: TestStack;
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  if (!CHROMIUM) return;
  stack = await startStack();
  profile = await mkdtemp(join(tmpdir(), 'gridgraph-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1440, height: 900 },
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await stack?.stop();
});

describe.skipIf(!CHROMIUM)('the playground in a browser', () => {
  it('welcomes, opens on the examples, runs one with Ctrl-Enter, shows its result and charts it, shows images, documents, remembers and completes, and talks to the gateway only', async () => {
    const requested: string[] = [];
    context.on('request', (request) => requested.push(request.url()));
    const problems: string[] = [];
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`${stack.gateway.url}/`);

    // A first visit opens on the welcome, which explains the examples.
    await page.getByText('Each tab above the editor is an example').waitFor({ timeout: 20_000 });

    // One tab per example, in file order; GraphiQL names each after its operation.
    const tabs = page.locator('.graphiql-tab');
    await tabs.first().waitFor({ timeout: 20_000 });
    expect(await tabs.allInnerTexts()).toEqual(EXAMPLES.map((example) => example.operationName));

    // Exact text: one operation name may be part of another's.
    await tabs.filter({ has: page.getByText(WEEK.operationName, { exact: true }) }).click();
    const editor = page.locator('.graphiql-query-editor');
    await editor.getByText(`# ${WEEK.title}`).waitFor();
    // Long comment lines wrap at the editor's edge instead of running off it.
    await editor.locator('.CodeMirror-wrap').waitFor();
    await page.locator('.graphiql-editor-tool').getByText('"Europe/London"').waitFor(); // its variables
    await page.locator('.graphiql-editor-tools').getByRole('button', { name: 'Headers' }).waitFor();

    // GraphiQL creates its editors asynchronously; a run before the result editor exists does nothing.
    await page.locator('.result-window .CodeMirror').waitFor();
    await editor.locator('.CodeMirror').click();
    await page.keyboard.press('Control+Enter');

    const expected = await runOperation(stack, WEEK.query, WEEK.variables);
    const total = (expected.data as { openvoltMeter: { consumption: { total: number } } }).openvoltMeter.consumption.total;
    const result = page.locator('.result-window');
    await result.getByText(`"total": ${total}`).waitFor({ timeout: 20_000 });
    await expect(result.innerText()).resolves.toContain('"meterNumber": "9999999999999"');
    await expect(result.innerText()).resolves.not.toContain('"errors"');

    // The result's time series opens in the Charts pane beside it, its seven days plotted.
    await page.locator('.gridgraph-chart canvas').waitFor();
    const plotted = (await page.evaluate(SERIES_PIXELS)) as { points: number; pixels: number };
    expect(plotted.points).toBe(7);
    expect(plotted.pixels).toBeGreaterThan(100);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.locator('.gridgraph-chart').hover(); // the chart's tooltip, not the editor's, in the picture
    await expect.poll(() => page.locator('.CodeMirror-info:visible').count()).toBe(0);
    await page.screenshot({ path: SCREENSHOT });

    // A provider's image (a data: URL) shows as an image, with the monthly values charted.
    await tabs.filter({ has: page.getByText(FACILITY.operationName, { exact: true }) }).click();
    await editor.getByText(`# ${FACILITY.title}`).waitFor();
    await editor.locator('.CodeMirror').click();
    await page.keyboard.press('Control+Enter');
    const image = page.locator('.gridgraph-image img');
    await image.waitFor({ timeout: 20_000 });
    await expect(image.getAttribute('src')).resolves.toMatch(/^data:image\/png;base64,/);
    await expect(image.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth)).resolves.toBeGreaterThan(0);
    await expect.poll(() => page.getByText(/EnerkeyFacilityOverview: \d+ time series, 1 image\./).count()).toBe(1); // rendered beside the image, not always in the same frame

    // The documentation explorer reads the schema's descriptions.
    await page.getByLabel('Show Documentation Explorer').click();
    const explorer = page.locator('.graphiql-doc-explorer');
    await explorer.getByText('Query', { exact: true }).click();
    await explorer.getByText('Everything a client can read').waitFor();
    await explorer.getByText('meteringPoint', { exact: true }).waitFor();

    // The run is in the history.
    await page.getByLabel('Show History').click();
    await page.locator('.graphiql-history').getByText(WEEK.operationName).waitFor();

    // Autocompletion from the schema, in a new tab.
    await page.getByLabel('New tab').click();
    await editor.locator('.CodeMirror').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('{ meteringPo');
    await page.locator('.CodeMirror-hints').getByText('meteringPoint', { exact: true }).waitFor();

    const gatewayOrigin = new URL(stack.gateway.url).origin;
    const elsewhere = requested.filter((url) => !url.startsWith('data:') && new URL(url).origin !== gatewayOrigin);
    expect(elsewhere).toEqual([]);
    expect(requested.length).toBeGreaterThanOrEqual(10); // the page, 7 assets, introspection and two operations
    expect(problems).toEqual([]);
  }, 60_000);
});
