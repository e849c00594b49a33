import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { parse } from 'graphql';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * The query planner on a thread of its own (plugins/query-planning.ts): given an operation's text and
 * name, it builds the plan exactly as @apollo/gateway's executor would on the main thread (same
 * supergraph, same planner defaults) and posts it back; a plan is plain data, so it crosses intact.
 */
export interface PlanRequest {
  id: number;
  source: string;
  operationName: string | null;
}
export type PlanAnswer = { id: number; plan: unknown } | { id: number; error: string };

const supergraph = Supergraph.build((workerData as { supergraphSdl: string }).supergraphSdl);
const planner = new QueryPlanner(supergraph);
const apiSchema = supergraph.apiSchema();

parentPort!.on('message', ({ id, source, operationName }: PlanRequest) => {
  let answer: PlanAnswer;
  try {
    const operation = operationFromDocument(apiSchema, parse(source), { operationName: operationName ?? undefined });
    answer = { id, plan: planner.buildQueryPlan(operation) };
  } catch (error) {
    answer = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(answer);
});
