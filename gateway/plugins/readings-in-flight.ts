import type { Request } from 'express';
import { finished } from 'node:stream';
import { estimateReadings } from '../../shared/subgraph/readings-estimator.js';
import type { QueryLimits } from '../../shared/subgraph/query-limits.js';
import type { GatewayPlugin } from './plugin.js';

/**
 * A budget of readings in flight (docs/benchmarks.md, "Memory"): the gateway holds a large series more
 * than once while it answers — the subgraph's JSON and the answer it writes, and for an operation
 * @apollo/gateway executes the parsed tree and the tree it shapes too — so its memory grows with the
 * readings it is answering at once, not with one query's. An operation
 * estimated to fetch readings (the same estimate as the readings cap) waits, in arrival order, until its
 * readings fit in the budget, and gives them back when its answer has been written or its client has gone.
 * With the budget at the cap (the default), the largest queries the limits allow are answered one at a
 * time, and small ones pass beside them while they fit. Waiting counts against the request's deadline.
 */
export function useReadingsInFlight(budget: number, limits: QueryLimits): GatewayPlugin & { gate: ReadingsGate } {
  const gate = new ReadingsGate(budget);
  return {
    gate,
    context: (req: Request) => ({ [ANSWER]: req.res }),
    apolloPlugins: [
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ schema, document, operation, request, contextValue }) {
              if (!operation) return;
              const readings = estimateReadings(schema, document, operation, request.variables ?? {}, limits.defaultListSize);
              // Nothing to hold, or the readings cap refuses it (beside this hook).
              if (readings === 0 || readings > limits.maxReadings) return;
              const answer = (contextValue as Record<symbol, Request['res']>)[ANSWER];
              if (!answer) return;
              const taken = await gate.take(readings);
              finished(answer, () => gate.giveBack(taken));
            },
          };
        },
      },
    ],
  };
}

const ANSWER = Symbol('the HTTP response of this request');

/** Readings in flight, within a budget; who waits is served in arrival order. */
export class ReadingsGate {
  private inFlight = 0;
  private readonly waiting: Array<{ readings: number; start: () => void }> = [];
  /** Operations that found the budget taken and waited for their turn. */
  waited = 0;

  constructor(readonly budget: number) {}

  /** Resolves once `readings` fit (one operation larger than the whole budget takes all of it); returns what was taken. */
  take(readings: number): Promise<number> {
    const taken = Math.min(readings, this.budget);
    return new Promise((resolve) => {
      this.waiting.push({ readings: taken, start: () => resolve(taken) });
      this.admit();
      if (this.waiting.length > 0) this.waited += 1;
    });
  }

  giveBack(taken: number): void {
    this.inFlight -= taken;
    this.admit();
  }

  get readingsInFlight(): number {
    return this.inFlight;
  }

  get operationsWaiting(): number {
    return this.waiting.length;
  }

  private admit(): void {
    while (this.waiting.length > 0 && this.inFlight + this.waiting[0]!.readings <= this.budget) {
      const next = this.waiting.shift()!;
      this.inFlight += next.readings;
      next.start();
    }
  }
}
