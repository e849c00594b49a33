import { ClientError } from 'graphql-request';
import type { TestStack } from './stack.js';

export interface OperationOutcome {
  data: Record<string, unknown> | null;
  errors: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Runs a document through the gateway; GraphQL errors come back (also from an HTTP 400), not thrown. */
export async function runOperation(stack: TestStack, query: string, variables?: Record<string, unknown> | null): Promise<OperationOutcome> {
  try {
    const { data, errors } = await stack.client.rawRequest<Record<string, unknown>>(query, variables ?? undefined);
    return { data: data ?? null, errors: (errors ?? []) as OperationOutcome['errors'] };
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    return {
      data: (error.response.data ?? null) as Record<string, unknown> | null,
      errors: (error.response.errors ?? [{ message: `HTTP ${error.response.status}` }]) as OperationOutcome['errors'],
    };
  }
}

/** Error messages with their codes, readable in a failed assertion. */
export function describeErrors(errors: OperationOutcome['errors']): string[] {
  return errors.map((error) => `${String(error.extensions?.code ?? 'NO_CODE')}: ${error.message}`);
}
