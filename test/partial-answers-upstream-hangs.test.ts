import { checkPartialAnswers, startProviderCopy } from './support/partial-answers.js';
import { gatewayOver } from './support/stack.js';

/**
 * One provider's API never answering, and every other part of every example's answer arriving
 * unchanged (test/support/partial-answers.ts). Timeouts are read at start, so the hanging provider is a
 * copy of its own with a short one (a hang costs its part half a second); every other provider keeps
 * the default, so no healthy call can time out on a busy machine.
 */
checkPartialAnswers({
  description: 'its API hangs',
  async fail({ stack }, module) {
    const hanging = await startProviderCopy(module, { TIMEOUT_MS: '250', RETRIES: '1' });
    hanging.simulator.setFaults({ hangRate: 1 });
    const gateway = await gatewayOver(stack, { [module.name]: `${hanging.subgraph.url}/graphql` });
    return {
      gateway,
      end: async () => {
        await gateway.stop();
        await hanging.subgraph.stop();
        await hanging.simulator.stop();
      },
    };
  },
});
