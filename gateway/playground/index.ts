import type { Express, RequestHandler } from 'express';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadExamples, type Example } from './examples.js';

/**
 * The playground: GraphiQL 4, served by the gateway from the npm packages installed with the project
 * (graphiql's, React's and Chart.js's prebuilt UMD bundles; GraphiQL's CSS inlines its fonts), so it
 * works with no internet access. It opens with one tab per example in gateway/playground/examples/, a
 * welcome pane, and a Charts pane that draws the time series and images of a result (page.js).
 */

/** Where the page loads its scripts and styles from, below the gateway's origin. */
export const ASSETS_PATH = '/playground/assets';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** Asset name → file on disk. Only these files are served; nothing else of node_modules is exposed. */
const ASSETS: Record<string, string> = {
  'react.production.min.js': join(packageDir('react'), 'umd/react.production.min.js'),
  'react-dom.production.min.js': join(packageDir('react-dom'), 'umd/react-dom.production.min.js'),
  'graphiql.min.js': join(packageDir('graphiql'), 'graphiql.min.js'),
  'graphiql.min.css': join(packageDir('graphiql'), 'graphiql.min.css'),
  // chart.js exports no package.json; its main module sits beside the UMD bundle in dist/.
  'chart.umd.min.js': join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'),
  'playground.js': fileURLToPath(new URL('./page.js', import.meta.url)),
  'series.js': fileURLToPath(new URL('./series.js', import.meta.url)),
};

export interface PlaygroundOptions {
  /** Paths a browser's GET (without a `query` parameter) gets the page on, e.g. ['/', '/graphql']. */
  pagePaths: string[];
  /** The GraphQL endpoint the page sends operations to, relative to the page's origin. */
  endpoint: string;
  /** Defaults to gateway/playground/examples/. */
  examples?: Example[];
  /** When the gateway needs credentials: what to tell the user, and the headers to pre-fill. */
  credentials?: PlaygroundCredentials;
}

export interface PlaygroundCredentials {
  /** Shown above GraphiQL, e.g. "This gateway needs credentials: send an API key in the X-API-Key header…". */
  notice: string;
  /** Pre-filled in GraphiQL's headers editor, values left for the user to complete. */
  headers: Record<string, string>;
}

/** What the page script reads from the page (see page.js). */
export interface PlaygroundConfig {
  endpoint: string;
  /** Changes whenever the examples change, so a browser that saved older tabs opens the new ones. */
  examplesVersion: string;
  examples: Example[];
  credentials: PlaygroundCredentials | null;
}

/** Adds the page and its assets to an express app; call before the GraphQL routes on the same paths. */
export function playgroundRoutes(options: PlaygroundOptions): (app: Express) => void {
  const examples = options.examples ?? loadExamples();
  const config: PlaygroundConfig = {
    endpoint: options.endpoint,
    examplesVersion: createHash('sha256')
      .update(JSON.stringify([examples, options.credentials ?? null]))
      .digest('hex')
      .slice(0, 12),
    examples,
    credentials: options.credentials ?? null,
  };
  const html = renderPage(config);
  const page: RequestHandler = (req, res, next) => {
    // A GET carrying an operation is GraphQL over GET; leave it to the GraphQL handler.
    if (req.query.query !== undefined) return next();
    res.type('html').set('Content-Security-Policy', CONTENT_SECURITY_POLICY).send(html);
  };
  return (app) => {
    app.get(`${ASSETS_PATH}/:asset`, (req, res, next) => {
      const file = ASSETS[req.params.asset!];
      if (!file) return next();
      res.sendFile(file, { maxAge: '1h' });
    });
    app.get(options.pagePaths, page);
  };
}

/**
 * The browser may load nothing from anywhere but the gateway: the page cannot quietly depend on a CDN.
 * GraphiQL sets inline styles (and its CSS embeds fonts and icons as data: URLs).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

function renderPage(config: PlaygroundConfig): string {
  // `<` escaped so no example text can close the script element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  const notice = config.credentials
    ? `\n    <p id="playground-credentials" role="alert">${escapeHtml(config.credentials.notice)} Fill it in under <b>Headers</b> below the editor.</p>`
    : '';
  const asset = (name: string) => `${ASSETS_PATH.slice(1)}/${name}`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Gridgraph playground</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${asset('graphiql.min.css')}" />
    <style>
      html, body { height: 100%; margin: 0; }
      body { display: flex; flex-direction: column; }
      #playground { flex: 1; min-height: 0; }
      #playground-credentials { margin: 0; padding: 8px 16px; background: #fff4d6; color: #3d2e00; font: 14px sans-serif; border-bottom: 1px solid #e0c068; }
      .gridgraph-pane { line-height: 1.5; }
      .gridgraph-pane li { margin-bottom: 6px; }
      .gridgraph-chart { position: relative; height: 340px; margin-bottom: 16px; }
      .gridgraph-image { margin: 0 0 16px; }
      .gridgraph-image img { max-width: 100%; border: 1px solid hsla(var(--color-neutral), var(--alpha-background-heavy)); }
      .gridgraph-image figcaption { font-size: 12px; opacity: 0.7; }
    </style>
  </head>
  <body>${notice}
    <div id="playground">Loading the playground…</div>
    <script type="application/json" id="playground-config">${json}</script>
    <script src="${asset('react.production.min.js')}"></script>
    <script src="${asset('react-dom.production.min.js')}"></script>
    <script src="${asset('graphiql.min.js')}"></script>
    <script src="${asset('chart.umd.min.js')}"></script>
    <script type="module" src="${asset('playground.js')}"></script>
  </body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
