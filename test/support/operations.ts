import type { GatewayClient, GraphQLErrorShape } from './stack.js';

export interface OperationOutcome {
  data: Record<string, unknown> | null;
  errors: GraphQLErrorShape[];
}

/** Runs a document through the gateway; GraphQL errors come back (also from an HTTP 400), not thrown. */
export async function runOperation(
  gateway: GatewayClient,
  query: string,
  variables?: Record<string, unknown> | null,
): Promise<OperationOutcome> {
  const { data, errors } = await gateway.query<Record<string, unknown> | null>(query, variables ?? undefined);
  return { data: data ?? null, errors };
}

/** Error messages with their codes, readable in a failed assertion. */
export function describeErrors(errors: OperationOutcome['errors']): string[] {
  return errors.map((error) => `${String(error.extensions?.code ?? 'NO_CODE')}: ${error.message}`);
}
