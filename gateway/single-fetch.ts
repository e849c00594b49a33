import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FetchNode, QueryPlan } from '@apollo/query-planner';
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import {
  GraphQLError,
  Kind,
  getVariableValues,
  isNonNullType,
  parse,
  print,
  visit,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { CountingQueryPlanCache } from './plugins/plan-cache-stats.js';
import { INCOMING_OPERATION } from './plugins/plugin.js';
import { planCacheKey } from './plugins/query-planning.js';
import { RawData, keepAnswerAsText } from './raw-answers.js';

/** How many operations the gateway answered with one subgraph's answer as it came (for tests and /metrics-like checks). */
export interface SingleFetchStats {
  answeredDirectly: number;
  /** Of those, the answers whose data went to the client as the subgraph's text, unparsed (raw-answers.ts). */
  passedAsText: number;
}

/**
 * A query one subgraph answers whole, in exactly the shape the client asked, is answered with that
 * subgraph's answer as it comes. @apollo/gateway otherwise rebuilds every answer value by value against the
 * operation ("result shaping") and converts the operation to its own form on every request: for a year of
 * half hours (175,200 readings) that walk and its garbage were about half the gateway's CPU, for a small
 * query about a quarter (docs/benchmarks.md, "What dominates"). The subgraph has already shaped the answer
 * to the same selection, with the same types, so there is nothing left to do.
 *
 * Only a plan that is one root fetch, with nothing to require or rewrite, whose selection set prints the
 * same as the client's (no fragments; the planner added nothing, not even a `__typename`) is answered this
 * way; any other plan, a plan not in the cache, a mutation or a subscription goes to @apollo/gateway.
 * The call itself goes through the same data source and plugin layers (deduplication, failover, errors,
 * tracing, metrics); its errors are reported as @apollo/gateway reports a subgraph's.
 */
export function answeringSingleFetchesDirectly(
  gateway: GatewayInterface,
  planCache: CountingQueryPlanCache,
  services: ReadonlyMap<string, GraphQLDataSource>,
  stats: SingleFetchStats,
): GatewayInterface {
  const directFetchOf = new WeakMap<QueryPlan, FetchNode | null>();
  return {
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
    async load(options) {
      const loaded = await gateway.load(options);
      const executor = loaded.executor;
      if (!executor) return loaded;
      const direct: GatewayExecutor = async (context) => {
        const { operation, queryHash, request } = context;
        if (operation?.operation !== 'query' || !planCache.enabled) return executor(context);
        const key = planCacheKey(queryHash, request.operationName);
        const plan = await planCache.peek(key);
        if (!plan) return executor(context);
        let fetch = directFetchOf.get(plan);
        if (fetch === undefined) {
          fetch = answeredWhole(plan, operation);
          directFetchOf.set(plan, fetch);
        }
        const service = fetch && services.get(fetch.serviceName);
        if (!fetch || !service) return executor(context);
        await planCache.get(key); // counted as the gateway's own lookup would have been
        // As @apollo/gateway checks them (Apollo Server leaves variables to the gateway): before any call.
        if (operation.variableDefinitions?.length) {
          const { errors } = getVariableValues(context.schema, operation.variableDefinitions, request.variables ?? {});
          if (errors) return { errors };
        }
        stats.answeredDirectly += 1;
        const answer = await fetchWhole(context, operation, fetch, service);
        if (answer.data instanceof RawData) stats.passedAsText += 1;
        return answer;
      };
      return { ...loaded, executor: direct };
    },
  };
}

/** The plan's one fetch when it asks its subgraph for exactly the client's selection set, else null. */
export function answeredWhole(plan: QueryPlan, operation: OperationDefinitionNode): FetchNode | null {
  const fetch = plan.node;
  if (fetch?.kind !== 'Fetch' || fetch.operationKind !== 'query') return null;
  if (fetch.requires || fetch.inputRewrites?.length || fetch.outputRewrites?.length || fetch.contextRewrites?.length) return null;
  if (hasFragments(operation.selectionSet)) return null;
  const asked = parse(fetch.operation).definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (!asked || asked.kind !== Kind.OPERATION_DEFINITION) return null;
  return print(asked.selectionSet) === print(operation.selectionSet) ? fetch : null;
}

function hasFragments(selectionSet: SelectionSetNode): boolean {
  let found = false;
  visit(selectionSet, {
    FragmentSpread: () => void (found = true),
    InlineFragment: () => void (found = true),
  });
  return found;
}

/** The fetch, sent as @apollo/gateway sends a root fetch, and its answer as @apollo/gateway would give it. */
async function fetchWhole(
  context: GatewayGraphQLRequestContext,
  operation: OperationDefinitionNode,
  fetch: FetchNode,
  service: GraphQLDataSource,
): ReturnType<GatewayExecutor> {
  const given = context.request.variables ?? {};
  const variables: Record<string, unknown> = {};
  for (const name of fetch.variableUsages ?? []) if (given[name] !== undefined) variables[name] = given[name];
  let response;
  // Its data can stay text: this request's one subgraph call is this one, and its answer is the client's.
  keepAnswerAsText(context.context);
  try {
    response = await service.process({
      kind: INCOMING_OPERATION,
      request: { query: fetch.operation, variables, operationName: fetch.operationName },
      incomingRequestContext: context,
      context: context.context,
      document: fetch.operationDocumentNode,
      pathInIncomingRequest: [],
    } as unknown as GraphQLDataSourceProcessOptions);
  } catch (error) {
    // As @apollo/gateway: the error as thrown, and each root field null (the whole answer if one may not be).
    return { errors: [error as GraphQLError], data: emptyAnswer(context, operation) };
  }
  if (!response.errors?.length) return { data: response.data };
  return {
    errors: response.errors.map((error) => subgraphError(error, fetch.serviceName)),
    data: response.data ?? emptyAnswer(context, operation),
  };
}

/** A subgraph's error as @apollo/gateway reports it (its downstreamServiceError, for a root fetch). */
function subgraphError(error: GraphQLFormattedError, subgraph: string): GraphQLError {
  return new GraphQLError(error.message || `Error while fetching subquery from service "${subgraph}"`, {
    originalError: error as Error,
    path: error.path,
    extensions: { ...error.extensions, serviceName: subgraph, code: error.extensions?.code ?? 'DOWNSTREAM_SERVICE_ERROR' },
  });
}

function emptyAnswer(context: GatewayGraphQLRequestContext, operation: OperationDefinitionNode): Record<string, null> | null {
  const fields = context.schema.getQueryType()?.getFields() ?? {};
  const data: Record<string, null> = {};
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const field = fields[selection.name.value];
    if (field && isNonNullType(field.type)) return null;
    data[selection.alias?.value ?? selection.name.value] = null;
  }
  return data;
}
