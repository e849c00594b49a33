import { SignJWT } from 'jose';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_GATEWAY_CONFIG } from '../gateway/config.js';
import { SUPERGRAPH_PATH, readSupergraph } from '../gateway/supergraph.js';
import { PROVIDERS } from '../subgraphs/registry.js';
import { gatewayOver, startStack, type TestStack } from './support/stack.js';

/**
 * Roles (issue 19): every credential carries one — read, write or admin — and a mutation needs the role
 * its subgraph declared (`@requiresRole`, kept in the supergraph). A refused operation is FORBIDDEN, naming
 * the role it needs, before any provider is called. Open mode refuses admin operations unless allowed.
 */

const KEYS = { read: 'reader-key-7f1c', write: 'writer-key-2b9e', admin: 'admin-key-c04d' };
const SECRET = 'a-long-test-secret-for-role-tokens-0123456789';

const CUSTOMER = '{ openvoltCustomers(first: 1) { nodes { id } } }';
const CREATE = `mutation { createOpenvoltCustomer(input: { name: "Roles Ltd", email: "roles@example.com" }) { id } }`;
const DELETE_METER = (id: string) => `mutation { deleteOpenvoltMeter(id: "${id}") { deleted } }`;
const ROTATE = 'mutation { rotateIntellimeterApiKey { rotatedAt } }';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    GATEWAY_API_KEYS: `${KEYS.read}:read, ${KEYS.write}:write, ${KEYS.admin}:admin`,
    GATEWAY_JWT_SECRET: SECRET,
  });
});
afterAll(() => stack?.stop());

function upstreamCalls(): number {
  return PROVIDERS.reduce((sum, provider) => sum + stack.simulator(provider.name).stats().total, 0);
}

async function post(query: string, headers: Record<string, string>, url = stack.gatewayUrl) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: any }> },
  };
}

const key = (role: keyof typeof KEYS) => ({ 'X-API-Key': KEYS[role] });
const token = async (claims: Record<string, unknown>, lifetime: string | number = '5m') =>
  ({
    Authorization: `Bearer ${await new SignJWT({ sub: 'role-user', ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime(lifetime)
      .sign(new TextEncoder().encode(SECRET))}`,
  }) as Record<string, string>;

/** The operation is refused as a whole with FORBIDDEN naming `role`, and no provider was called. */
async function expectForbidden(query: string, headers: Record<string, string>, role: string, url?: string) {
  for (const provider of PROVIDERS) stack.simulator(provider.name).reset();
  const { status, body } = await post(query, headers, url);
  expect(status).toBe(403);
  expect(body.data).toBeUndefined();
  expect(body.errors).toHaveLength(1);
  expect(body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', requiredRole: role });
  expect(body.errors![0]!.message).toMatch(new RegExp(`needs the ${role} role`));
  expect(upstreamCalls()).toBe(0);
  return body.errors![0]!;
}

async function someMeterId(): Promise<string> {
  const { body } = await post('{ openvoltMeters(first: 1) { nodes { id } } }', key('read'));
  return body.data.openvoltMeters.nodes[0].id;
}

describe('the roles the supergraph declares', () => {
  const { mutationRoles } = readSupergraph(readFileSync(SUPERGRAPH_PATH, 'utf8'));

  it('name a role for every Mutation field, where its subgraph defines it', () => {
    expect(mutationRoles.size).toBeGreaterThan(0);
    const undeclared = [...mutationRoles].filter(([, role]) => role === undefined).map(([field]) => field);
    expect(undeclared).toEqual([]);
  });

  it('make every delete, rotate and provisioning mutation admin', () => {
    const destructive = [...mutationRoles.keys()].filter((field) => /^delete|^rotate|provision/i.test(field));
    expect(destructive.length).toBeGreaterThanOrEqual(5);
    for (const field of destructive) expect(mutationRoles.get(field), field).toBe('admin');
  });

  it('refuse a role that is not one', () => {
    const sdl = readFileSync(SUPERGRAPH_PATH, 'utf8').replace('@requiresRole(role: "admin")', '@requiresRole(role: "root")');
    expect(() => readSupergraph(sdl)).toThrow(/declares @requiresRole\(role: "root"\), which is not a role/);
  });
});

describe('API keys with roles', () => {
  it('let a read key query, and refuse its mutation with FORBIDDEN naming write', async () => {
    const { body } = await post(CUSTOMER, key('read'));
    expect(body.errors).toBeUndefined();
    expect(body.data.openvoltCustomers.nodes).toHaveLength(1);
    const error = await expectForbidden(CREATE, key('read'), 'write');
    expect(error.message).toMatch(/createOpenvoltCustomer needs the write role\. This credential has the read role\./);
    expect(error.extensions.field).toBe('createOpenvoltCustomer');
  });

  it('let a write key register, and refuse deletes and key rotation with FORBIDDEN naming admin', async () => {
    const { body } = await post(CREATE, key('write'));
    expect(body.errors).toBeUndefined();
    expect(body.data.createOpenvoltCustomer.id).toEqual(expect.any(String));
    await expectForbidden(DELETE_METER(await someMeterId()), key('write'), 'admin');
    await expectForbidden(ROTATE, key('write'), 'admin');
  });

  it('refuse an operation as a whole when one of its mutations, also through fragments, needs more', async () => {
    const mixed = `mutation { createOpenvoltCustomer(input: { name: "Mixed", email: "mixed@example.com" }) { id } ...Rotate }
      fragment Rotate on Mutation { ... on Mutation { rotateIntellimeterApiKey { rotatedAt } } }`;
    await expectForbidden(mixed, key('write'), 'admin');
  });

  it('let an admin key delete', async () => {
    const { body } = await post(DELETE_METER(await someMeterId()), key('admin'));
    expect(body.errors).toBeUndefined();
    expect(body.data.deleteOpenvoltMeter.deleted).toBe(true);
  });
});

describe('JSON Web Tokens with roles', () => {
  it('take the highest role their scope grants', async () => {
    expect((await post(CUSTOMER, await token({ scope: 'read' }))).body.data.openvoltCustomers.nodes).toHaveLength(1);
    await expectForbidden(CREATE, await token({ scope: 'profile read' }), 'write');
    expect((await post(CREATE, await token({ scope: 'read write' }))).body.data.createOpenvoltCustomer.id).toEqual(expect.any(String));
    await expectForbidden(ROTATE, await token({ scope: 'read write' }), 'admin');
  });

  it('refuse even a query with FORBIDDEN naming read when the claim grants no role', async () => {
    const error = await expectForbidden(CUSTOMER, await token({ scope: 'profile email' }), 'read');
    expect(error.message).toMatch(/Reading needs the read role\. This credential has no role/);
  });

  it('read the role from the configured claim and values (GATEWAY_JWT_ROLE_CLAIM, GATEWAY_JWT_ROLES)', async () => {
    const gateway = await gatewayOver(
      stack,
      {},
      {
        access: {
          ...DEFAULT_GATEWAY_CONFIG.access,
          jwtSecret: SECRET,
          jwtRoleClaim: 'roles',
          jwtRoleValues: [{ value: 'Grid.Writer', role: 'write' }],
        },
      },
    );
    try {
      const url = `${gateway.url}/graphql`;
      expect((await post(CUSTOMER, await token({ roles: ['Other', 'Grid.Writer'] }), url)).body.data.openvoltCustomers.nodes).toHaveLength(
        1,
      );
      await expectForbidden(DELETE_METER('x'), await token({ roles: ['Grid.Writer'] }), 'admin', url);
      await expectForbidden(CUSTOMER, await token({ scope: 'write' }), 'read', url);
    } finally {
      await gateway.stop();
    }
  });
});

describe('open mode (no credentials configured)', () => {
  it('reads and writes, and refuses admin operations naming the setting that allows them', async () => {
    const gateway = await gatewayOver(stack);
    try {
      const url = `${gateway.url}/graphql`;
      expect((await post(CUSTOMER, {}, url)).body.data.openvoltCustomers.nodes).toHaveLength(1);
      expect((await post(CREATE, {}, url)).body.data.createOpenvoltCustomer.id).toEqual(expect.any(String));
      const error = await expectForbidden(ROTATE, {}, 'admin', url);
      expect(error.message).toMatch(/GATEWAY_OPEN_ALLOW_ADMIN=true/);
    } finally {
      await gateway.stop();
    }
  });

  it('runs admin operations with GATEWAY_OPEN_ALLOW_ADMIN', async () => {
    const gateway = await gatewayOver(stack, {}, { access: { ...DEFAULT_GATEWAY_CONFIG.access, openAllowsAdmin: true } });
    try {
      const { body } = await post(DELETE_METER(await someMeterId()), {}, `${gateway.url}/graphql`);
      expect(body.errors).toBeUndefined();
      expect(body.data.deleteOpenvoltMeter.deleted).toBe(true);
    } finally {
      await gateway.stop();
    }
  });
});
