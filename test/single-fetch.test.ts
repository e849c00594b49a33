import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../gateway/index.js';
import { loadExamples } from '../gateway/playground/examples.js';
import { gatewayClient, startStack, type GatewayClient, type GraphQLErrorShape, type TestStack } from './support/stack.js';

/**
 * A query one subgraph answers whole is answered with that subgraph's answer as it comes
 * (gateway/single-fetch.ts). Proven against the same gateway with that turned off, on the same subgraphs:
 * every playground example, healthy and with a provider failing or a subgraph gone, gets the same answer,
 * errors included; and the direct way is taken exactly where the plan is one fetch of the client's shape.
 */
const EXAMPLES = loadExamples();

let stack: TestStack;
let throughApollo: RunningGateway;
let apollo: GatewayClient;

/** Both gateways' answers to an operation, and how many times the stack's gateway answered it directly. */
async function bothAnswers(query: string, variables?: Record<string, unknown>) {
  const before = stack.gateway.singleFetches.answeredDirectly;
  const direct = withoutRequestIds(await stack.query(query, variables));
  const answeredDirectly = stack.gateway.singleFetches.answeredDirectly - before;
  const reference = withoutRequestIds(await apollo.query(query, variables));
  return { direct, reference, answeredDirectly };
}

/** Each request has its own id, which its errors carry. */
function withoutRequestIds<T extends { errors: GraphQLErrorShape[] }>(answer: T): T {
  for (const error of answer.errors) delete error.extensions?.requestId;
  return answer;
}

beforeAll(async () => {
  stack = await startStack();
  throughApollo = await startGateway({
    host: '127.0.0.1',
    port: 0,
    subgraphUrls: Object.fromEntries([
      ...Object.entries(stack.subgraphs).map(([name, { subgraph }]) => [name, `${subgraph.url}/graphql`]),
      ...Object.entries(stack.composites).map(([name, server]) => [name, `${server.url}/graphql`]),
    ]),
    subgraphSecret: stack.subgraphSecret,
    tuning: { answerSingleFetchesDirectly: false },
  });
  apollo = gatewayClient(`${throughApollo.url}/graphql`);
}, 90_000);

afterAll(async () => {
  await throughApollo?.stop();
  await stack?.stop();
});

describe('queries one subgraph answers whole', () => {
  it.each(EXAMPLES.map((example) => [example.file, example] as const))('%s: the same answer either way', async (_file, example) => {
    const { direct, reference } = await bothAnswers(example.query, example.variables ?? undefined);
    // A latest reading moves on every five minutes of the wall clock: one that moved between the two
    // requests is asked once more, so the direct answer must equal the answer before or after it.
    const after = withoutRequestIds(await apollo.query(example.query, example.variables ?? undefined));
    expect([reference, after]).toContainEqual(direct);
  });

  it('answers a single-subgraph query directly, planned or not yet, and a join never', async () => {
    const meter = `query DirectMeter($first: Int!) { openvoltMeters(first: $first) { nodes { id meterNumber consumption(range: { from: "2026-11-02T00:00:00Z", to: "2026-11-03T00:00:00Z", resolution: HOUR }) { count readings { start value quality } } } } }`;
    const first = await bothAnswers(meter, { first: 2 });
    expect(first.direct.errors).toEqual([]);
    // Planned on the planner thread before the gateway executes it, so the first request is answered directly too.
    expect(first.answeredDirectly).toBe(1);
    const passedAsText = stack.gateway.singleFetches.passedAsText;
    const again = await bothAnswers(meter, { first: 3 });
    expect(again.answeredDirectly).toBe(1);
    expect(stack.gateway.singleFetches.passedAsText - passedAsText).toBe(1); // its data never parsed by the gateway
    expect(again.direct).toEqual(again.reference);
    expect(again.direct.data.openvoltMeters.nodes).toHaveLength(3);
    expect(again.direct.data.openvoltMeters.nodes[0].consumption.readings).toHaveLength(24);

    // A join (Openvolt's meter, then the metering point's other providers) is two fetches.
    const join = `query JoinNotDirect { openvoltMeters(first: 1) { nodes { id meteringPoint { id umeterConnections { id } } } } }`;
    const joined = await bothAnswers(join);
    expect(joined.answeredDirectly).toBe(0);
    expect(joined.direct).toEqual(joined.reference);
  });

  it('refuses variables of the wrong type as @apollo/gateway does, before any call', async () => {
    const query = `query WrongVariable($first: Int!) { openvoltMeters(first: $first) { nodes { id } } }`;
    const calls = stack.simulator('openvolt').stats().total;
    const { direct, reference } = await bothAnswers(query, { first: 'two' });
    expect(direct.errors[0]?.message).toMatch(/\$first/);
    expect(direct).toEqual(reference);
    expect(stack.simulator('openvolt').stats().total).toBe(calls);
  });

  it('leaves fragments and fields the planner adds to @apollo/gateway', async () => {
    const withFragment = `query WithFragment { openvoltMeters(first: 2) { nodes { ...M } } } fragment M on OpenvoltMeter { id meterNumber }`;
    const rootTypename = `query RootTypename { __typename openvoltMeters(first: 1) { nodes { id } } }`;
    for (const query of [withFragment, rootTypename]) {
      const { direct, reference, answeredDirectly } = await bothAnswers(query);
      expect(answeredDirectly).toBe(0);
      expect(direct).toEqual(reference);
      expect(direct.errors).toEqual([]);
    }
  });

  it('reports a failing provider as @apollo/gateway does: the same nulls, the same coded errors', async () => {
    const simulator = stack.simulator('openvolt');
    const query = `query FailingProvider { openvoltMeters(first: 2) { nodes { id } } }`;
    simulator.setFaults({ errorRate: 1, errorStatus: 503 });
    try {
      const passedAsText = stack.gateway.singleFetches.passedAsText;
      const { direct, reference, answeredDirectly } = await bothAnswers(query);
      expect(answeredDirectly).toBe(1);
      expect(stack.gateway.singleFetches.passedAsText).toBe(passedAsText); // an answer with errors is parsed
      expect(direct.errors.length).toBeGreaterThan(0);
      expect(direct.errors[0]!.extensions?.code).toMatch(/^UPSTREAM_/);
      expect(direct).toEqual(reference);
    } finally {
      simulator.setFaults({ errorRate: 0 });
    }
  });

  it('answers a subgraph that is gone as @apollo/gateway does', async () => {
    const gone = 'http://127.0.0.1:9/graphql'; // the discard port: nothing listens
    const options = { host: '127.0.0.1', port: 0, subgraphUrls: { openvolt: gone }, subgraphSecret: stack.subgraphSecret };
    const direct = await startGateway(options);
    const reference = await startGateway({ ...options, tuning: { answerSingleFetchesDirectly: false } });
    try {
      const query = `query SubgraphGone { openvoltMeters(first: 2) { nodes { id } } }`;
      const answers = await Promise.all(
        [direct, reference].map(async (gateway) => withoutRequestIds(await gatewayClient(`${gateway.url}/graphql`).query(query))),
      );
      expect(direct.singleFetches.answeredDirectly).toBe(1);
      expect(answers[0]!.errors[0]!.extensions?.code).toMatch(/^UPSTREAM_|SUBGRAPH/);
      expect(answers[0]).toEqual(answers[1]);
    } finally {
      await Promise.all([direct.stop(), reference.stop()]);
    }
  });
});
