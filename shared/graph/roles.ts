/**
 * Roles (README, "Authentication and roles"): every credential carries one, each includes the ones
 * before it. Queries need `read`; a mutation declares the role it needs where it is defined, with the
 * `@requiresRole` directive (RequiresRole in role-directive.ts), which composition keeps in the
 * supergraph (`@composeDirective`) and the gateway reads from there. No type-graphql here: the gateway
 * loads this module.
 */
export const ROLES = ['read', 'write', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether a credential holding `held` may do what needs `needed`. */
export function roleGrants(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

/** The directive's name, the spec that defines it (linked by every subgraph) and its definition. */
export const ROLE_DIRECTIVE = 'requiresRole';
export const ROLE_SPEC_URL = 'https://gridgraph.dev/access/v1.0';
export const ROLE_DIRECTIVE_DEFINITION = `"""
The role a credential needs for this field (read < write < admin); the gateway refuses a request without it (FORBIDDEN).
"""
directive @${ROLE_DIRECTIVE}(role: String!) on FIELD_DEFINITION`;
