import { Supergraph } from '@apollo/federation-internals';
import { fileURLToPath } from 'node:url';
import { ROLE_DIRECTIVE, isRole, type Role } from '../shared/graph/roles.js';
import { ownershipOf, type SupergraphOwnership } from './ownership.js';

/**
 * The supergraph the gateway serves, read with federation's own parser (the one @apollo/gateway uses),
 * so what the gateway knows of its subgraphs is what its query planner knows.
 */

export const SUPERGRAPH_PATH = fileURLToPath(new URL('../supergraph.graphql', import.meta.url));

/** A subgraph as the supergraph names it, with the URL composed into it. */
export interface SubgraphEndpoint {
  name: string;
  url: string;
}

export interface SupergraphReading {
  subgraphs: SubgraphEndpoint[];
  ownership: SupergraphOwnership;
  /** Each Mutation field and the role its subgraph declared for it (`@requiresRole`). */
  mutationRoles: Map<string, Role | undefined>;
}

/** The subgraphs, who resolves what and what each mutation needs, from one parse of `supergraphSdl`. */
export function readSupergraph(supergraphSdl: string): SupergraphReading {
  const supergraph = parseSupergraph(supergraphSdl);
  return { subgraphs: endpointsOf(supergraph), ownership: ownershipOf(supergraph), mutationRoles: mutationRolesOf(supergraph) };
}

/**
 * Every Mutation field with the role its `@requiresRole` names (undefined where none is declared); a
 * role that is not one of ROLES is an error, so a typo cannot open a door.
 */
export function mutationRolesOf(supergraph: Supergraph): Map<string, Role | undefined> {
  const roles = new Map<string, Role | undefined>();
  for (const field of supergraph.schema.schemaDefinition.rootType('mutation')?.fields() ?? []) {
    const declared = field.appliedDirectivesOf<{ role: unknown }>(ROLE_DIRECTIVE)[0]?.arguments().role;
    if (declared !== undefined && !isRole(declared)) {
      throw new Error(`Mutation.${field.name} declares @${ROLE_DIRECTIVE}(role: ${JSON.stringify(declared)}), which is not a role`);
    }
    roles.set(field.name, declared);
  }
  return roles;
}

/** Who resolves what in `supergraphSdl`. */
export function readOwnership(supergraphSdl: string): SupergraphOwnership {
  return ownershipOf(parseSupergraph(supergraphSdl));
}

/** The subgraphs a supergraph joins, in its order, with the URLs composed into it. */
export function subgraphsOf(supergraphSdl: string): SubgraphEndpoint[] {
  return endpointsOf(parseSupergraph(supergraphSdl));
}

/**
 * Parsed as a supergraph (a document without the join spec is refused) but not validated in full:
 * @apollo/gateway validates the same document when it loads it, and that takes several times as long.
 */
export function parseSupergraph(supergraphSdl: string): Supergraph {
  return Supergraph.build(supergraphSdl, { validateSupergraph: false });
}

function endpointsOf(supergraph: Supergraph): SubgraphEndpoint[] {
  return supergraph.subgraphsMetadata().map(({ name, url }) => ({ name, url }));
}
