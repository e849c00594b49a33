import { checkPartialAnswers } from './support/partial-answers.js';
import { unusedPort } from './support/ports.js';
import { gatewayOver } from './support/stack.js';

/**
 * One provider's subgraph stopped, and every other part of every example's answer arriving unchanged
 * (test/support/partial-answers.ts): also the shared root `meteringPoint`, whichever subgraph the query
 * plan fetches it from. To a gateway, a stopped subgraph is a URL where nothing listens.
 */
checkPartialAnswers({
  description: 'its subgraph is stopped',
  async fail({ stack }, module) {
    const gateway = await gatewayOver(stack, { [module.name]: `http://127.0.0.1:${await unusedPort()}/graphql` });
    return { gateway, end: () => gateway.stop() };
  },
});
