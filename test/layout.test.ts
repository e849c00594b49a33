import { describe, expect, it } from 'vitest';
import { importsOf, layoutViolations, projectImports } from './support/layout.js';
import { ROOT } from './support/process.js';

/** The import directions of DESIGN.md's "Layout", checked over the whole source tree. */

const violations = (file: string, source: string) => layoutViolations(importsOf(file, source));

describe('the layout rules', () => {
  it('refuses shared/ importing the gateway or a subgraph, in any form', () => {
    expect(violations('shared/subgraph/server.ts', "import { startGateway } from '../../gateway/index.js';")).toHaveLength(1);
    expect(violations('shared/time/range.ts', "export { PROVIDERS } from '../../subgraphs/registry.js';")).toHaveLength(1);
    expect(violations('shared/graph/meter.ts', "import type { X } from '../../subgraphs/openvolt/schema.js';")).toHaveLength(1);
    expect(violations('shared/store/disk.ts', "const gateway = await import('../../gateway/config.js');")).toHaveLength(1);
  });

  it('refuses a subgraph importing another, and allows its own files and the kit', () => {
    expect(violations('subgraphs/umeter/client.ts', "import { x } from '../openvolt/client.js';")).toEqual([
      'subgraphs/umeter/client.ts imports subgraphs/openvolt/client.js: a subgraph never imports another subgraph',
    ]);
    expect(
      violations(
        'subgraphs/umeter/index.ts',
        "import { a } from './client.js'; import { b } from '../../shared/time/index.js'; const s = import('./simulator.js');",
      ),
    ).toEqual([]);
  });

  it('refuses the metering composite importing a provider or the registry: it asks them over HTTP', () => {
    expect(violations('subgraphs/metering/upstream.ts', "import { openvolt } from '../openvolt/provider.js';")).toEqual([
      'subgraphs/metering/upstream.ts imports subgraphs/openvolt/provider.js: a subgraph never imports another subgraph',
    ]);
    expect(violations('subgraphs/metering/composite.ts', "import { PROVIDERS } from '../registry.js';")).toEqual([
      'subgraphs/metering/composite.ts imports subgraphs/registry.js: a subgraph never imports the registry, which loads every subgraph',
    ]);
    expect(violations('subgraphs/metering/composite.ts', "import { METERING_SOURCES } from './sources.js';")).toEqual([]);
  });

  it('refuses the gateway loading subgraph code at run time, but not a type or a test', () => {
    expect(violations('gateway/index.ts', "import { PROVIDERS } from '../subgraphs/registry.js';")).toHaveLength(1);
    expect(violations('gateway/plugins/limits.ts', "import { type A, type B } from '../../subgraphs/openvolt/schema.js';")).toEqual([]);
    expect(violations('gateway/supergraph.test.ts', "import { PROVIDERS } from '../subgraphs/registry.js';")).toEqual([]);
  });

  it('keeps the gateway’s settings in gateway/config.ts', () => {
    expect(violations('gateway/plugins/access.ts', "import { readConfig } from '../../shared/subgraph/config.js';")).toHaveLength(1);
    expect(violations('gateway/config.ts', "import { readConfig } from '../shared/subgraph/config.js';")).toEqual([]);
  });
});

describe('the source tree', () => {
  const edges = projectImports(ROOT, ['shared', 'gateway', 'subgraphs']);

  it('is read: the kit, the gateway and every subgraph have imports', () => {
    for (const folder of ['shared/', 'gateway/', 'subgraphs/openvolt/', 'subgraphs/intellimeter/']) {
      expect(
        edges.some(({ from }) => from.startsWith(folder)),
        folder,
      ).toBe(true);
    }
  });

  it('keeps every import direction', () => {
    expect(layoutViolations(edges)).toEqual([]);
  });
});
