import { checkPartialAnswers } from './support/partial-answers.js';

/**
 * One provider's API answering 503 to every call, more often than the connector retries (its
 * simulator's faults), and every other part of every example's answer arriving unchanged
 * (test/support/partial-answers.ts).
 */
checkPartialAnswers({
  description: 'its API answers 503 to every call, beyond the retries',
  async fail({ stack, gateway }, module) {
    const simulator = stack.simulator(module.name);
    simulator.setFaults({ errorRate: 1, errorStatus: 503 });
    return { gateway, end: async () => simulator.setFaults({ errorRate: 0 }) };
  },
});
