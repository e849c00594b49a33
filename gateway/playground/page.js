// The playground page: GraphiQL 4 from its UMD bundle (window.GraphiQL, on window.React and
// window.ReactDOM), opened with one tab per example operation. Served as is; no build step.
/* global React, ReactDOM, GraphiQL */
(function () {
  'use strict';

  /** @type {{ endpoint: string, examplesVersion: string, examples: Array<{ title: string, query: string, operationName: string, variables: object | null }> }} */
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

  const fetcher = GraphiQL.createFetcher({
    url: new URL(config.endpoint, window.location.href).href,
    // The gateway answers plain JSON (Apollo Gateway runs no @defer or subscriptions).
    enableIncrementalDelivery: false,
  });

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
        })),
        defaultEditorToolsVisibility: true,
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: false,
      },
      React.createElement(GraphiQL.Logo, null, 'Gridgraph'),
    ),
  );
})();
