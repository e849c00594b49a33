import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH, readOwnership } from '../../gateway/supergraph.js';
import { PROVIDERS } from '../../subgraphs/registry.js';
import { AnswerParts } from './parts.js';

const ownership = readOwnership(readFileSync(SUPERGRAPH_PATH, 'utf8'));

describe('telling whose part of an answer differs', () => {
  const parts = new AnswerParts(
    ownership,
    `{ meteringPoint(id: "1") { id umeterConnection { ean meteringPoint { openvoltMeters { id } } } openvoltMeters { id } } }`,
  );
  const healthy = {
    meteringPoint: {
      id: '1',
      umeterConnection: { ean: '1', meteringPoint: { openvoltMeters: [{ id: 'a' }] } },
      openvoltMeters: [{ id: 'a' }],
    },
  };

  it('accepts a null where only the failed subgraph resolves the field', () => {
    expect(parts.subgraphs()).toEqual(new Set(PROVIDERS.map(({ name }) => name)));
    expect(parts.differences(healthy, { meteringPoint: { ...healthy.meteringPoint, umeterConnection: null } }, 'umeter')).toEqual([]);
    const openvoltDown = {
      meteringPoint: {
        ...healthy.meteringPoint,
        openvoltMeters: null,
        umeterConnection: { ean: '1', meteringPoint: { openvoltMeters: null } },
      },
    };
    expect(parts.differences(healthy, openvoltDown, 'openvolt')).toEqual([]);
  });

  it('reports any other null or change, also below the failed subgraph’s field and on the shared root', () => {
    expect(parts.differences(healthy, { meteringPoint: null }, 'umeter')).toEqual([
      'data.meteringPoint: null, though enerkey, intellimeter, openvolt, umeter, volue resolve it',
    ]);
    const changedBelow = {
      meteringPoint: { ...healthy.meteringPoint, umeterConnection: { ean: '1', meteringPoint: { openvoltMeters: [] } } },
    };
    expect(parts.differences(healthy, changedBelow, 'umeter')).toEqual([
      'data.meteringPoint.umeterConnection.meteringPoint.openvoltMeters: [] instead of a list of 1',
    ]);
    expect(parts.differences(healthy, { meteringPoint: { ...healthy.meteringPoint, openvoltMeters: null } }, 'umeter')).toEqual([
      'data.meteringPoint.openvoltMeters: null, though openvolt resolve it',
    ]);
  });
});
