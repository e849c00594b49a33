// The playground page: GraphiQL 4 from its UMD bundle (window.GraphiQL, on window.React and
// window.ReactDOM), opened with one tab per example operation, with a welcome and a Charts pane that
// draws the time series and images of the last result with Chart.js (window.Chart). Served as is, an ES
// module run after those bundles; no build step.
/* global React, ReactDOM, GraphiQL, Chart */
import { chartables } from './series.js';

const h = React.createElement;

/** @type {{ endpoint: string, examplesVersion: string, examples: Array<{ title: string, query: string, operationName: string, variables: object | null }>, credentials: { notice: string, headers: Record<string, string> } | null }} */
const config = JSON.parse(document.getElementById('playground-config').textContent);

// GraphiQL keeps its tabs and the active tab's editors in storage ("graphiql:tabState", ":query",
// ":variables") and ignores its default tabs once any are saved. Keeping those under keys that change
// with the examples means a browser that saved tabs of older examples opens the current ones; history
// and settings keep their keys.
const VERSIONED = new Set(['graphiql:tabState', 'graphiql:query', 'graphiql:variables']);
const keyOf = (key) => (VERSIONED.has(key) ? `${key}:${config.examplesVersion}` : key);
const storage = {
  getItem: (key) => localStorage.getItem(keyOf(key)),
  setItem: (key, value) => localStorage.setItem(keyOf(key), value),
  removeItem: (key) => localStorage.removeItem(keyOf(key)),
  clear: () => {
    for (const key of Object.keys(localStorage)) if (key.startsWith('graphiql:')) localStorage.removeItem(key);
  },
  get length() {
    return Object.keys(localStorage).filter((key) => key.startsWith('graphiql:')).length;
  },
};

// The last result of an operation the user ran (not GraphiQL's schema introspection), for the Charts pane.
const lastResult = createStore({ operationName: null, series: [], images: [] });

const httpFetcher = GraphiQL.createFetcher({
  url: new URL(config.endpoint, window.location.href).href,
  // The gateway answers plain JSON (Apollo Gateway runs no @defer or subscriptions).
  enableIncrementalDelivery: false,
});
// Right after a tab switch GraphiQL 4.1 can still send the previous tab's operationName with the new
// tab's document, which the gateway refuses ("Unknown operation named …"). A name the document does
// not define is dropped, so the server runs the document's only operation, or says it needs a name.
const definedOperations = (query) =>
  new Set([...query.matchAll(/\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/g)].map((m) => m[1]));
// The charts' caption names the operation that ran: the document's only one when the name was dropped.
const operationRun = (params) => {
  if (!params.operationName) return null;
  const defined = definedOperations(params.query);
  if (defined.has(params.operationName)) return params.operationName;
  return defined.size === 1 ? [...defined][0] : null;
};
const sendOperation = (params, options) =>
  params.operationName && !definedOperations(params.query).has(params.operationName)
    ? httpFetcher({ ...params, operationName: undefined }, options)
    : httpFetcher(params, options);
const fetcher = (params, options) => {
  const answer = sendOperation(params, options);
  if (params.operationName === 'IntrospectionQuery') return answer;
  return Promise.resolve(answer).then((result) => {
    if (result && typeof result === 'object' && 'data' in result) {
      lastResult.set({ operationName: operationRun(params), ...chartables(result.data) });
    }
    return result;
  });
};

const headers = config.credentials ? JSON.stringify(config.credentials.headers, null, 2) : undefined;

const plugins = [
  { title: 'Welcome', icon: WelcomeIcon, content: WelcomePanel },
  { title: 'Charts', icon: ChartIcon, content: () => h(ChartsPanel, { store: lastResult }) },
];

// GraphiQL opens a side pane only through its sidebar's buttons (they also size the pane), so the page
// presses them: the welcome on a first visit, the charts when a result has something to draw and no
// other pane is in use.
const paneButton = (label) => document.querySelector(`.graphiql-sidebar button[aria-label="${label}"]`);
const openPane = () =>
  document.querySelector('.graphiql-sidebar button[aria-label^="Hide "]')?.getAttribute('aria-label').slice('Hide '.length) ?? null;
lastResult.subscribe(() => {
  const { series, images } = lastResult.get();
  if (series.length + images.length > 0 && [null, 'Welcome'].includes(openPane())) paneButton('Show Charts')?.click();
});

const playground = h(
  GraphiQL,
  {
    fetcher,
    storage,
    plugins,
    // One tab per example. GraphiQL names a tab after its operation, so the example's title heads
    // the tab's editor as a comment.
    defaultTabs: config.examples.map((example) => ({
      query: `# ${example.title}\n${example.query}`,
      variables: example.variables ? JSON.stringify(example.variables, null, 2) : undefined,
      headers,
    })),
    // A gateway that needs credentials: the header to fill in is already there (never persisted).
    defaultHeaders: headers,
    defaultEditorToolsVisibility: config.credentials ? 'headers' : true,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
  },
  h(GraphiQL.Logo, null, 'Gridgraph'),
);
ReactDOM.createRoot(document.getElementById('playground')).render(playground);
whilePageChanges(wrapEditorLines, welcomeOnFirstVisit());

/** A value React components follow (useSyncExternalStore) and the fetcher sets. */
function createStore(initial) {
  let current = initial;
  const listeners = new Set();
  return {
    get: () => current,
    set(next) {
      current = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function WelcomePanel() {
  return h(
    'div',
    { className: 'gridgraph-pane' },
    h('div', { className: 'graphiql-doc-explorer-title' }, 'Welcome'),
    h('p', null, 'One GraphQL graph over five energy-metering providers: Openvolt, Volue, UMeter, EnerKey and Intellimeter.'),
    h(
      'ul',
      null,
      h(
        'li',
        null,
        'Each tab above the editor is an example: one or two per provider, every meter at every provider (Portfolio), and what every provider knows about one metering point. The comment at its top says what it shows.',
      ),
      h('li', null, 'Run the tab with ▶ or Ctrl-Enter; its variables are in the pane below the editor.'),
      h(
        'li',
        null,
        'Charts (the chart icon on the left) plots every time series of a result, as readings or as compact values with their starts, and shows the images a provider draws.',
      ),
      h('li', null, 'Docs (the book icon) describes every type and field; Ctrl-Space completes as you type.'),
    ),
  );
}

const MAX_SERIES = 20;
/** Tableau's ten colours, one per series in turn. */
const COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

function ChartsPanel({ store }) {
  const { operationName, series, images } = React.useSyncExternalStore(store.subscribe, store.get);
  const canvas = React.useRef(null);
  const drawn = series.slice(0, MAX_SERIES);
  React.useEffect(() => {
    if (!canvas.current || drawn.length === 0) return undefined;
    const chart = new Chart(canvas.current, chartConfig(drawn));
    return () => chart.destroy();
  }, [series]);
  const about =
    series.length + images.length === 0
      ? 'Run an operation that asks for readings (or values and starts) of a time series, or for a chart or image: it is drawn here.'
      : `${operationName ?? 'The last result'}: ${series.length} time series${series.length > MAX_SERIES ? ` (the first ${MAX_SERIES} drawn)` : ''}, ${images.length} image${images.length === 1 ? '' : 's'}. Click a legend entry to hide or show its series.`;
  return h(
    'div',
    { className: 'gridgraph-pane' },
    h('div', { className: 'graphiql-doc-explorer-title' }, 'Charts'),
    h('p', null, about),
    drawn.length > 0 ? h('div', { className: 'gridgraph-chart' }, h('canvas', { ref: canvas, 'aria-label': 'Time series chart' })) : null,
    ...images.map((image, index) =>
      h(
        'figure',
        { key: `image-${index}`, className: 'gridgraph-image' },
        h('img', { src: image.src, alt: image.label }),
        h('figcaption', null, image.label),
      ),
    ),
  );
}

/** A line per series: x a time (or the position, for values without starts), missing values as gaps. */
function chartConfig(series) {
  const timed = series.every((each) => each.timed);
  const units = [...new Set(series.map((each) => each.unit).filter(Boolean))];
  const zone = series.find((each) => each.timeZone)?.timeZone ?? 'UTC';
  // Ticks at the first series' own bucket starts, dates alone when its buckets are a day or longer.
  const starts = series[0].points.map((point) => point.x);
  const daily = timed && starts.length > 1 && starts[1] - starts[0] >= 23 * 3_600_000;
  const time = new Intl.DateTimeFormat(
    undefined,
    daily ? { timeZone: zone, month: 'short', day: 'numeric' } : { timeZone: zone, dateStyle: 'short', timeStyle: 'short' },
  );
  const tickStep = Math.max(1, Math.ceil(starts.length / 4));
  return {
    type: 'line',
    data: {
      datasets: series.map((each, index) => ({
        label: each.unit ? `${each.label} (${each.unit})` : each.label,
        data: each.points,
        borderColor: COLOURS[index % COLOURS.length],
        backgroundColor: COLOURS[index % COLOURS.length],
        pointRadius: each.points.length > 60 ? 0 : 2,
        borderWidth: 1.5,
        spanGaps: false,
      })),
    },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: {
          type: 'linear',
          title: { display: true, text: timed ? `start (${zone})` : 'position' },
          afterBuildTicks: (axis) => {
            axis.ticks = starts.filter((_, index) => index % tickStep === 0).map((value) => ({ value }));
          },
          ticks: { maxRotation: 0, callback: (value) => (timed ? time.format(new Date(value)) : value) },
        },
        y: { title: { display: units.length > 0, text: units.join(', ') } },
      },
      plugins: {
        decimation: { enabled: true, algorithm: 'lttb', samples: 800 },
        tooltip: { callbacks: { title: (items) => (timed && items[0] ? time.format(new Date(items[0].parsed.x)) : '') } },
      },
    },
  };
}

function ChartIcon() {
  return h(
    'svg',
    { viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 1.5, 'aria-hidden': 'true' },
    h('path', { d: 'M3 3v18h18' }),
    h('path', { d: 'M6 15l4-5 4 3 5-7' }),
  );
}

function WelcomeIcon() {
  return h(
    'svg',
    { viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 1.5, 'aria-hidden': 'true' },
    h('circle', { cx: 12, cy: 12, r: 9 }),
    h('path', { d: 'M12 11v6M12 7.5v.5' }),
  );
}

/** Runs each step whenever GraphiQL changes the page (it builds its editors and sidebar asynchronously). */
function whilePageChanges(...steps) {
  new MutationObserver(() => steps.forEach((step) => step())).observe(document.getElementById('playground'), {
    childList: true,
    subtree: true,
  });
}

/** Long comment lines (an example's title and notes) wrap in the editors instead of running off the edge. */
function wrapEditorLines() {
  for (const element of document.querySelectorAll('.graphiql-query-editor .CodeMirror, .graphiql-editor-tool .CodeMirror')) {
    if (element.CodeMirror && !element.CodeMirror.getOption('lineWrapping')) element.CodeMirror.setOption('lineWrapping', true);
  }
}

/** Opens the welcome pane once, as soon as its button exists, on a browser's first visit. */
function welcomeOnFirstVisit() {
  const WELCOMED = 'gridgraph:welcomed';
  let pending = !localStorage.getItem(WELCOMED);
  return () => {
    const button = pending && paneButton('Show Welcome');
    if (!button) return;
    pending = false;
    localStorage.setItem(WELCOMED, 'yes');
    button.click();
  };
}
