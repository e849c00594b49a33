import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { GridgraphError } from '../../shared/graph/errors.js';
import { withRequestId } from '../../shared/observability/graphql-requests.js';

/**
 * A merged answer that left a failed provider out is still an answer (DESIGN.md, nullability rule: never
 * blank), yet the provider's coded error belongs in `errors`. GraphQL has no way for a resolver to both
 * return a value and raise an error at its path, so a resolver reports such errors here and this plugin
 * adds them to the response, at the reporting field's path (the gateway maps it to the client's path).
 */
export class PartialErrors {
  private readonly errors: GraphQLFormattedError[] = [];

  /** An error already reported at the same path is not repeated (a portfolio reports each connection's failures at one field). */
  report(error: GridgraphError, path: ReadonlyArray<string | number>): void {
    const known = this.errors.some(
      (each) => each.message === error.message && each.extensions?.code === error.code && String(each.path) === String(path),
    );
    if (!known) this.errors.push({ message: error.message, path, extensions: { ...error.extensions } });
  }

  get reported(): readonly GraphQLFormattedError[] {
    return this.errors;
  }
}

export function partialErrorsPlugin<Context extends { partialErrors: PartialErrors }>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const reported = contextValue.partialErrors.reported;
          if (reported.length === 0 || response.body.kind !== 'single') return;
          const { singleResult } = response.body;
          singleResult.errors = [...(singleResult.errors ?? []), ...reported.map(withRequestId)];
        },
      };
    },
  };
}
