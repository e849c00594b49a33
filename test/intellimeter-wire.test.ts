import { gql } from 'graphql-request';
import { beforeAll, describe, expect, it } from 'vitest';
import { startStack } from './support/stack.js';

/**
 * The subgraph over each of Intellimeter's wire formats (INTELLIMETER_RESPONSE_TYPE and _FILE_TYPE) gives
 * the same answers (key rotation: intellimeter-key-rotation.test.ts). Each runs its own stack, since the
 * format changes how the subgraph talks to Intellimeter for the rest of its life.
 */

const EVERYTHING = gql`
  query Everything($range: ReadingRange!) {
    intellimeterAccount {
      id
      username
      email
      projectId
      projectName
      joined
    }
    intellimeterUsers {
      nodes {
        id
        username
        email
        joined
      }
    }
    intellimeterPoints {
      nodes {
        id
        name
        meterPointId
        modbus {
          modbusId
          port
          phases
          meterType
          modbusMap
          startAddress
          saveEveryMinutes
        }
        latestReading {
          at
          valueKwh
        }
        latestInterval {
          start
          end
          valueKwh
        }
        consumption(range: $range) {
          total
          missing
          readings {
            start
            value
            quality
          }
        }
        registerResets(range: $range) {
          start
          beforeKwh
          afterKwh
        }
      }
    }
  }
`;
const RANGE = { from: '2026-11-03T00:00:00Z', to: '2026-11-04T00:00:00Z', resolution: 'HOUR', timeZone: 'America/Toronto' };

/** Registers advance every five minutes of the simulator's (wall) clock: answers compare within one slot. */
const SLOT_MS = 5 * 60_000;
const slotNow = () => Math.floor(Date.now() / SLOT_MS);

interface SlotAnswer {
  data: unknown;
  /** The five-minute slot the whole answer was given in. */
  slot: number;
}

async function answer(env: Record<string, string>): Promise<SlotAnswer> {
  for (;;) {
    const stack = await startStack(env);
    try {
      const slot = slotNow();
      const { data, errors } = await stack.client.rawRequest(EVERYTHING, { range: RANGE });
      expect(errors ?? []).toEqual([]);
      if (slotNow() === slot) return { data, slot };
    } finally {
      await stack.stop();
    }
  }
}

describe('wire formats', () => {
  const JSON_WIRE = { INTELLIMETER_RESPONSE_TYPE: 'json', INTELLIMETER_FILE_TYPE: 'json' };
  let reference: SlotAnswer;

  beforeAll(async () => {
    reference = await answer(JSON_WIRE);
  });

  for (const [responseType, fileType] of [
    ['xml', 'xml'],
    ['yaml', 'yaml'],
    ['json', 'csv'],
  ] as const) {
    it(`answers the same over responseType=${responseType} and history files as ${fileType}`, async () => {
      let other = await answer({ INTELLIMETER_RESPONSE_TYPE: responseType, INTELLIMETER_FILE_TYPE: fileType });
      // A five-minute boundary passed since the reference: the latest readings moved on, so take both anew.
      while (other.slot !== reference.slot) {
        reference = await answer(JSON_WIRE);
        if (reference.slot !== other.slot)
          other = await answer({ INTELLIMETER_RESPONSE_TYPE: responseType, INTELLIMETER_FILE_TYPE: fileType });
      }
      expect(other.data).toEqual(reference.data);
    });
  }

  it('the reference answer is real data: four points, a reset on meter2, readings for every hour', () => {
    const points = (reference.data as { intellimeterPoints: { nodes: Array<Record<string, any>> } }).intellimeterPoints.nodes;
    expect(points).toHaveLength(4);
    expect(points.map((point) => point.registerResets.length)).toEqual([0, 1, 0, 0]);
    expect(points.every((point) => point.consumption.missing === 0 && point.consumption.readings.length === 24)).toBe(true);
  });
});
