import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { ROLE_DIRECTIVE, roleGrants, type Role } from '../../shared/graph/roles.js';
import { createLogger } from '../../shared/observability/logger.js';
import type { Principal } from './access.js';
import type { GatewayPlugin } from './plugin.js';

const log = createLogger('gateway');

/**
 * Roles (README, "Authentication and roles"): a query needs `read`; a mutation needs the role its
 * subgraph declared with `@requiresRole`, read from the supergraph (`mutationRoles`); an operation with
 * several mutations needs the highest. Checked once the operation is known and before it is planned, so
 * a refused operation (FORBIDDEN, HTTP 403) reaches no subgraph and no provider. A mutation the
 * supergraph declares no role for needs `admin`, and the gateway says so at start.
 */
export function useRoles(mutationRoles: Map<string, Role | undefined>): GatewayPlugin {
  const undeclared = [...mutationRoles].filter(([, role]) => role === undefined).map(([field]) => field);
  if (undeclared.length > 0) {
    log.warn(`mutations without @${ROLE_DIRECTIVE} in the supergraph need the admin role: ${undeclared.join(', ')}`);
  }
  const plugin: ApolloServerPlugin<{ principal?: Principal }> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (!operation) return;
          const fields = operation.operation === 'mutation' ? rootFields(operation.selectionSet, document) : [];
          const needs = fields.map((field) => ({ field, role: mutationRoles.get(field) ?? ('admin' as const) }));
          const refused = [{ field: undefined, role: 'read' as Role }, ...needs].find(
            ({ role }) => !contextValue.principal?.role || !roleGrants(contextValue.principal.role, role),
          );
          if (refused) throw forbidden(refused.field, refused.role, contextValue.principal);
        },
      };
    },
  };
  return { apolloPlugins: [plugin as ApolloServerPlugin] };
}

function forbidden(field: string | undefined, role: Role, principal: Principal | undefined): GraphQLError {
  const what = field ? `${field} needs` : 'Reading needs';
  const held = principal?.role ? `the ${principal.role} role` : 'no role (its role claim grants none)';
  const why = principal?.open
    ? 'In open mode (no credentials configured) admin operations are refused unless GATEWAY_OPEN_ALLOW_ADMIN=true.'
    : `This credential has ${held}.`;
  return new GraphQLError(`${what} the ${role} role. ${why}`, {
    extensions: { code: 'FORBIDDEN', requiredRole: role, ...(field ? { field } : {}), http: { status: 403 } },
  });
}

/** The root fields an operation selects, through its inline fragments and fragment spreads. */
function rootFields(selectionSet: SelectionSetNode, document: DocumentNode): string[] {
  const fragments = new Map(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const seen = new Set<string>();
  const collect = (set: SelectionSetNode): string[] =>
    set.selections.flatMap((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value.startsWith('__') ? [] : [selection.name.value];
      if (selection.kind === Kind.INLINE_FRAGMENT) return collect(selection.selectionSet);
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) return [];
      seen.add(fragment.name.value);
      return collect(fragment.selectionSet);
    });
  return collect(selectionSet);
}
