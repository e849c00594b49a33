import { Directive } from 'type-graphql';
import { ROLE_DIRECTIVE, type Role } from './roles.js';

/**
 * Declares the role a mutation needs, beside its `@Mutation`: registrations and updates `write`;
 * deletes, credential operations and provisioning `admin` (shared/graph/roles.ts).
 */
export function RequiresRole(role: Role): MethodDecorator & PropertyDecorator {
  return Directive(`@${ROLE_DIRECTIVE}(role: "${role}")`);
}
