import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH, readOwnership } from '../../gateway/supergraph.js';
import { loadExamples } from '../../gateway/playground/examples.js';
import type { RunningSimulator } from '../../shared/simulator/server.js';
import type { RunningServer } from '../../shared/subgraph/server.js';
import { startProvider, type AnyProvider, type StartedSubgraph } from '../../shared/subgraph/provider.js';
import { METERING_SOURCES } from '../../subgraphs/metering/sources.js';
import { PROVIDERS } from '../../subgraphs/registry.js';
import { describeErrors, runOperation, type OperationOutcome } from './operations.js';
import { AnswerParts } from './parts.js';
import { readmeOperations, type DocumentedOperation } from './readme.js';
import { gatewayOver, startStack, type GatewayClient, type TestStack } from './stack.js';

/**
 * One failure never blanks the answer (DESIGN.md, "Errors and partial answers"), checked on every
 * operation the project shows a reader — each playground example and each README block — against each
 * provider of subgraphs/registry.ts failing in turn, one way of failing per test file. A query must
 * answer with `data`; every part the failed subgraph does not resolve alone must equal the healthy
 * answer (whose part is whose comes from the supergraph: parts.ts), so the shared root `meteringPoint`,
 * which every subgraph resolves, must survive each of them failing; and every error must carry a code
 * and name the failed provider or subgraph. A mutation block must answer with `data` and such errors,
 * against freshly reset simulators. An operation meets only the failures of subgraphs that resolve some
 * part of it: no other provider's failure can reach it.
 */

export interface FailureMode {
  /** How the provider fails, e.g. "its API hangs". */
  description: string;
  /** Makes `module` fail; the gateway to ask meanwhile, and how to end the failure. */
  fail(healthy: Healthy, module: AnyProvider): Promise<Failing>;
}

/** The mode's stack, and a gateway over it with nothing failing. */
export interface Healthy {
  stack: TestStack;
  gateway: GatewayClient;
}

export interface Failing {
  gateway: GatewayClient;
  end(): Promise<void>;
}

interface Checked extends DocumentedOperation {
  parts: AnswerParts;
  /** The subgraphs that resolve some part of it. */
  subgraphs: Set<string>;
}

const ownership = readOwnership(readFileSync(SUPERGRAPH_PATH, 'utf8'));
/** The metering composite merges what the reading providers' subgraphs answer. */
const COMPOSITE_SOURCES = new Map([['metering', METERING_SOURCES.map(({ subgraph }) => subgraph)]]);

const OPERATIONS: readonly Checked[] = [
  ...loadExamples().map((example) => ({
    label: `gateway/playground/examples/${example.file}`,
    query: example.query,
    variables: example.variables ?? undefined,
  })),
  ...readmeOperations(),
].map((operation) => {
  const parts = new AnswerParts(ownership, operation.query, COMPOSITE_SOURCES);
  return { ...operation, parts, subgraphs: parts.subgraphs() };
});
const QUERIES = OPERATIONS.filter((operation) => !operation.parts.isMutation);
const MUTATIONS = OPERATIONS.filter((operation) => operation.parts.isMutation);

/** `<PROVIDER>_<name>` settings for each of `providers`. */
function settingsFor(providers: readonly AnyProvider[], settings: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    providers.flatMap(({ provider }) => Object.entries(settings).map(([name, value]) => [`${provider}_${name}`, value])),
  );
}

// Breakers have tests of their own; here an open circuit would outlast its case and fail the next one.
const NO_BREAKER = { BREAKER_VOLUME_THRESHOLD: '10000' };

/** Registers the checks of one failure mode: a stack, its healthy answers, a test per provider, then the mutations. */
export function checkPartialAnswers(mode: FailureMode): void {
  let stack: TestStack;
  let gateway: RunningServer & GatewayClient;
  let healthy: { slot: number; answers: Promise<Map<string, OperationOutcome>> } | undefined;

  beforeAll(async () => {
    stack = await startStack(settingsFor(PROVIDERS, NO_BREAKER));
    gateway = await gatewayOver(stack);
  });
  afterAll(async () => {
    await gateway?.stop();
    await stack?.stop();
  });

  /**
   * Every query's answer with nothing failing. Intellimeter's latest readings move every five minutes
   * of the wall clock, so answers are compared within one such slot.
   */
  function healthyAnswers(): { slot: number; answers: Promise<Map<string, OperationOutcome>> } {
    if (healthy?.slot !== slotNow()) {
      const answers = Promise.all(QUERIES.map((query) => runOperation(gateway, query.query, query.variables)));
      healthy = {
        slot: slotNow(),
        answers: answers.then((outcomes) => new Map(QUERIES.map((query, index) => [query.label, outcomes[index]!]))),
      };
    }
    return healthy;
  }

  async function queriesWhileFailing(module: AnyProvider): Promise<string[]> {
    const queries = QUERIES.filter((query) => query.subgraphs.has(module.name));
    for (;;) {
      resetSimulators(stack);
      const { slot, answers } = healthyAnswers();
      const expected = await answers;
      const failing = await mode.fail({ stack, gateway }, module);
      try {
        const outcomes = await Promise.all(queries.map((query) => runOperation(failing.gateway, query.query, query.variables)));
        if (slotNow() !== slot) continue; // the healthy answers are of an earlier slot: take them anew
        const problems = queries.flatMap((query, index) => {
          const healthyOutcome = expected.get(query.label)!;
          const healthyProblems = healthyOutcome.data === null || healthyOutcome.errors.length > 0;
          const found = healthyProblems
            ? [`the healthy answer has ${describeErrors(healthyOutcome.errors).join('; ') || 'no data'}`]
            : [
                ...outcomeProblems(outcomes[index]!, module),
                ...query.parts.differences(healthyOutcome.data, outcomes[index]!.data, module.name),
              ];
          return found.map((problem) => `${query.label}: ${problem}`);
        });
        // A fault that does not show would make every comparison above pass for nothing.
        if (!outcomes.some((outcome) => outcome.errors.length > 0)) problems.push(`no answer showed ${module.name} failing`);
        return problems;
      } finally {
        await failing.end();
      }
    }
  }

  describe(`each provider in turn: ${mode.description}`, () => {
    it('meets every operation: each touches some provider', () => {
      expect(OPERATIONS.length).toBe(loadExamples().length + readmeOperations().length);
      for (const operation of OPERATIONS) expect(operation.subgraphs.size, operation.label).toBeGreaterThan(0);
    });

    for (const module of PROVIDERS) {
      it(`${module.name}: every other part of every query's answer arrives unchanged`, { timeout: 60_000 }, async () => {
        expect(await queriesWhileFailing(module)).toEqual([]);
      });
    }

    it('every mutation block answers with data and coded errors naming the failed provider', { timeout: 60_000 }, async () => {
      const problems: string[] = [];
      for (const module of PROVIDERS) {
        const mutations = MUTATIONS.filter((mutation) => mutation.subgraphs.has(module.name));
        if (mutations.length === 0) continue;
        const failing = await mode.fail({ stack, gateway }, module);
        try {
          for (const mutation of mutations) {
            resetSimulators(stack);
            const outcome = await runOperation(failing.gateway, mutation.query, mutation.variables);
            const found = outcome.errors.length === 0 ? ['no error'] : outcomeProblems(outcome, module);
            problems.push(...found.map((problem) => `${module.name} failing, ${mutation.label}: ${problem}`));
          }
        } finally {
          await failing.end();
        }
      }
      expect(problems).toEqual([]);
    });
  });
}

/** An answer must have data, and every error a code and the failed provider's or subgraph's name. */
function outcomeProblems({ data, errors }: OperationOutcome, module: AnyProvider): string[] {
  const problems = data === null ? [`data is null (${describeErrors(errors).join('; ')})`] : [];
  for (const error of errors) {
    const { code, provider, subgraph } = error.extensions ?? {};
    if (typeof code !== 'string' || (provider !== module.provider && subgraph !== module.name)) {
      problems.push(`an error not coded for ${module.provider}/${module.name}: ${JSON.stringify(error)}`);
    }
  }
  return problems;
}

/** A second copy of one provider (its simulator and subgraph) with its own settings, e.g. a short timeout. */
export async function startProviderCopy(
  module: AnyProvider,
  settings: Record<string, string>,
): Promise<StartedSubgraph & { simulator: RunningSimulator }> {
  const started = await startProvider(module, {
    LOG_LEVEL: process.env.LOG_LEVEL,
    HOST: '127.0.0.1',
    ...settingsFor([module], { ...NO_BREAKER, SUBGRAPH_PORT: '0', SIMULATOR_PORT: '0', ...settings }),
  });
  if (!started.simulator) throw new Error(`${module.name} started against a real API`);
  return { ...started, simulator: started.simulator };
}

/** Every simulator's data and counters back to their seed (its faults stay as they are). */
function resetSimulators(stack: TestStack): void {
  for (const { name } of PROVIDERS) stack.simulator(name).reset();
}

const SLOT_MS = 5 * 60_000;
const slotNow = () => Math.floor(Date.now() / SLOT_MS);
