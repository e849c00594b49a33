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
    // The shared root is every subgraph's, the metering composite's too.
    expect(parts.subgraphs()).toEqual(new Set([...PROVIDERS.map(({ name }) => name), 'metering']));
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
      'data.meteringPoint: null, though enerkey, intellimeter, metering, openvolt, umeter, volue resolve it',
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

describe('a composite’s merged part', () => {
  const parts = new AnswerParts(
    ownership,
    `{ meteringPoint(id: "1") { consumption(range: { from: "2026-11-09T00:00:00Z", to: "2026-11-10T00:00:00Z" }) { total partial } } }`,
    new Map([['metering', ['openvolt', 'umeter']]]),
  );
  const healthy = { meteringPoint: { consumption: { total: 10, partial: false } } };
  const flagged = { meteringPoint: { consumption: { total: 4, partial: true } } };

  it('depends on every subgraph it merges: it may change when one of them fails', () => {
    expect(parts.subgraphs()).toEqual(new Set([...PROVIDERS.map(({ name }) => name), 'metering']));
    expect(parts.differences(healthy, flagged, 'umeter')).toEqual([]);
  });

  it('is never null while its sources fail, and does not change when another subgraph fails', () => {
    expect(parts.differences(healthy, { meteringPoint: { consumption: null } }, 'umeter')).toEqual([
      'data.meteringPoint.consumption: null, though it merges what the others answer',
    ]);
    expect(parts.differences(healthy, flagged, 'volue')).toEqual([
      'data.meteringPoint.consumption.total: 4 instead of 10',
      'data.meteringPoint.consumption.partial: true instead of false',
    ]);
  });
});
