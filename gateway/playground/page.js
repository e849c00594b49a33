// The playground page: GraphiQL 4 from its UMD bundle (window.GraphiQL, on window.React and
// window.ReactDOM), opened with one tab per example operation. Served as is; no build step.
/* global React, ReactDOM, GraphiQL */
(function () {
  'use strict';

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
  const fetcher = (params, options) =>
    params.operationName && !definedOperations(params.query).has(params.operationName)
      ? httpFetcher({ ...params, operationName: undefined }, options)
      : httpFetcher(params, options);

  const headers = config.credentials ? JSON.stringify(config.credentials.headers, null, 2) : undefined;

  const root = ReactDOM.createRoot(document.getElementById('playground'));
  root.render(
    React.createElement(
      GraphiQL,
      {
        fetcher,
        storage,
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
      React.createElement(GraphiQL.Logo, null, 'Gridgraph'),
    ),
  );
})();
