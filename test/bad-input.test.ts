import { readFileSync } from 'node:fs';
import {
  astFromValue,
  buildSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  print,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH } from '../gateway/supergraph.js';
import { describeErrors } from './support/operations.js';
import { OPEN_WITH_ADMIN, startStack, type TestStack } from './support/stack.js';

/**
 * Bad input, everywhere: every root field of the supergraph gets malformed variables — wrong types,
 * out-of-range numbers, bad dates, 100 kB strings, unknown ids, injection-like strings — and must
 * answer each with a coded error; a mutation must also write nothing upstream (no non-GET call reaches
 * any simulator). The arguments are generated from the supergraph's own types, so a new argument is
 * covered without touching this file; a new root field fails until it has a row below. The input-bounds
 * classes (BOUNDED) must be refused by the bounds every server derives from the schema
 * (shared/subgraph/input-bounds.ts): BAD_USER_INPUT naming the argument, and no upstream call at all.
 */

const schema: GraphQLSchema = buildSchema(readFileSync(SUPERGRAPH_PATH, 'utf8'), { assumeValidSDL: true });

const CODES = [
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'UPSTREAM_REJECTED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_RATE_LIMITED',
];

const HUGE = 'x'.repeat(100_000);
const INJECTIONS = ["' OR 1=1 --", '../../etc/passwd', '<script>alert(1)</script>'];
const UNKNOWN_ID = 'unknown-0000-0000';
const NUL = 'abc\u0000def';
/** Labels of the values outside the input bounds: refused before any upstream call, GET included. */
const BOUNDED = new Set(['huge string (100 kB)', 'NUL byte', '1.7e308', '-1.7e308', 'huge JSON string', 'NUL byte in JSON']);
/** Leaves for which 100 kB is well-formed: a base64 file (its own size cap is tested in openvolt-live-ready.test.ts). */
const LARGE_BY_DESIGN = new Set(['uploadOpenvoltDocument.input.contentBase64']);

/**
 * One row per root field: values that give the field a well-formed baseline where the generated one
 * (see `baseline`) would not do, keyed by argument. A row of `{}` means the generated baseline is fine.
 */
type Row = Record<string, unknown>;
const QUERIES: Record<string, Row> = {
  meteringPoint: {},
  meteringPoints: {},
  meteringPointsConsumption: { range: { from: '2026-11-02T00:00:00Z', to: '2026-11-03T00:00:00Z', resolution: 'DAY' } },
  enerkeyFacilities: {},
  enerkeyFacility: {},
  enerkeyMeters: {},
  enerkeyMeter: {},
  enerkeyQuantities: {},
  enerkeyActions: {},
  enerkeyAction: {},
  enerkeyAlarm: {},
  enerkeyProvisioningStatus: {},
  intellimeterAccount: {},
  intellimeterUsers: {},
  intellimeterPoints: {},
  intellimeterPoint: {},
  intellimeterApiKey: {},
  intellimeterHistoryFile: { from: '2026-11-02', to: '2026-11-03' },
  intellimeterMeteringPointMappings: {},
  openvoltMeteringPointMappings: {},
  enerkeyMeteringPointMappings: {},
  openvoltCustomers: {},
  openvoltCustomer: {},
  openvoltMeters: {},
  openvoltMeter: {},
  openvoltConsents: {},
  openvoltDocuments: {},
  openvoltDocument: {},
  openvoltConsent: {},
  openvoltEvents: {},
  umeterCustomer: {},
  umeterConnection: {},
  volueUsers: {},
  volueEligibleUsers: {},
  volueResource: {},
  volueMeterPointEligibility: {},
  volueWebhookDeliveries: {},
  volueWebhookDelivery: {},
  volueUser: {},
  volueEvents: {},
  volueEvent: {},
  volueWebhooks: {},
  volueNotifications: {},
};
const MUTATIONS: Record<string, Row> = {
  pushEnerkeyConsumptions: {},
  pushEnerkeyCumulativeReadings: {},
  updateEnerkeyAction: {},
  upsertEnerkeyProvisioningCustomers: {},
  upsertEnerkeyProvisioningData: {},
  renameIntellimeterPoint: {},
  rotateIntellimeterApiKey: {},
  createIntellimeterUser: {},
  updateIntellimeterAccount: {},
  deleteIntellimeterAccount: {},
  logoutIntellimeterSession: {},
  setIntellimeterMeteringPoint: { meteringPointId: '871687120000000011' },
  setOpenvoltMeteringPoint: { meteringPointId: '871687120000000011' },
  setEnerkeyMeteringPoint: { meteringPointId: '871687120000000011' },
  createOpenvoltCustomer: {},
  updateOpenvoltCustomer: {},
  deleteOpenvoltCustomer: {},
  registerOpenvoltMeter: {},
  updateOpenvoltMeter: {},
  setOpenvoltMeterConsent: {},
  deleteOpenvoltMeter: {},
  createOpenvoltConsent: {},
  archiveOpenvoltConsent: {},
  uploadOpenvoltDocument: {},
  registerVolueUser: {},
  registerVolueUsers: {},
  registerVolueLocation: {},
  registerVolueLocations: {},
  updateVolueLocation: {},
  deleteVolueLocation: {},
  registerVolueVehicleResource: {},
  registerVolueLocationResource: {},
  deleteVolueResource: {},
  deleteVolueUser: {},
  enrollVolueUser: {},
  unenrollVolueUser: {},
  setVolueWebhookEnabled: {},
  registerVolueMeter: {},
  registerVolueVehicle: {},
  registerVolueResource: {},
  subscribeVolueEvents: {},
  updateVolueWebhook: {},
  deleteVolueWebhook: {},
  testVolueWebhook: {},
  sendVolueReport: {},
};

/**
 * Inputs a field accepts by design, by case label, with the reason: `meteringPoint` answers an id
 * nobody knows with empty lists, and `openvoltEvents` lists no events for a meter no event named.
 * Anything else listed here would be a validation gap to close.
 */
const unknownIds = (argument: string, reason: string) =>
  Object.fromEntries(
    [...INJECTIONS.map((value) => `injection ${JSON.stringify(value)}`), 'unknown id'].map((label) => [`${argument}: ${label}`, reason]),
  );
const ACCEPTED: Record<string, Record<string, string>> = {
  meteringPoint: unknownIds('id', 'a metering point id no provider knows is answered with empty lists (by design)'),
  meteringPoints: unknownIds('ids.0', 'a metering point id no provider knows is answered with empty lists (by design)'),
  meteringPointsConsumption: unknownIds('ids.0', 'a connection no provider knows is summed as MISSING buckets (by design)'),
  openvoltEvents: unknownIds('meterId', 'received events filtered by a meter no event named are an empty list (by design)'),
  volueMeterPointEligibility: {
    'meterPointId: unknown id': 'Volue answers any metering point id: one it does not cover is not eligible (by design)',
  },
};

/** A plausible value of a type, so that exactly one malformed leaf differs from a sane request. */
function baseline(type: GraphQLInputType): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [baseline(nullable.ofType)];
  if (isInputObjectType(nullable)) {
    return Object.fromEntries(
      Object.values(nullable.getFields())
        .filter((field) => isNonNullType(field.type) && field.defaultValue === undefined)
        .map((field) => [field.name, baseline(field.type)]),
    );
  }
  if (isEnumType(nullable)) return nullable.getValues()[0]!.value;
  switch (nullable.name) {
    case 'Int':
      return 1;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return true;
    case 'DateTime':
      return '2026-01-01T00:00:00Z';
    case 'TimeZone':
      return 'Europe/Oslo';
    case 'EmailAddress':
      return 'someone@example.com';
    case 'JSON':
    case 'JSONObject':
      return {};
    default:
      return UNKNOWN_ID;
  }
}

/** Malformed values for a leaf of this type. */
function malformed(type: GraphQLInputType): Array<{ label: string; value: unknown }> {
  const named = getNamedType(type);
  const wrongType = { label: 'wrong type (object)', value: { nested: true } };
  if (isEnumType(named)) return [{ label: 'unknown enum value', value: 'NOT_A_VALUE' }, wrongType];
  switch (named.name) {
    case 'Int':
      return [
        { label: 'negative', value: -1 },
        { label: 'huge', value: 2_000_000_000 },
        { label: 'wrong type (string)', value: 'ten' },
      ];
    case 'Float':
      return [
        { label: 'negative', value: -1 },
        { label: '1.7e308', value: 1.7e308 },
        { label: '-1.7e308', value: -1.7e308 },
        { label: 'wrong type (string)', value: 'ten' },
      ];
    case 'Boolean':
      return [{ label: 'wrong type (string)', value: 'yes' }];
    case 'DateTime':
      return [
        { label: 'impossible date', value: '2026-02-30T00:00:00Z' },
        { label: 'not a date', value: 'yesterday' },
        { label: 'year 99999', value: '99999-01-01T00:00:00Z' },
      ];
    case 'JSON':
    case 'JSONObject':
      return [
        { label: 'huge JSON string', value: { text: HUGE } },
        { label: 'NUL byte in JSON', value: { text: NUL } },
      ];
    default: {
      const values = [{ label: 'huge string (100 kB)', value: HUGE }, { label: 'NUL byte', value: NUL }, wrongType];
      // Free text (names, descriptions) may hold any characters; identifiers may not.
      if (named.name === 'ID') {
        values.push(...INJECTIONS.map((value) => ({ label: `injection ${JSON.stringify(value)}`, value })));
      }
      return values;
    }
  }
}

interface Case {
  label: string;
  /** The argument (top-level) the malformed leaf is in. */
  argument: string;
  bounded: boolean;
  variables: Record<string, unknown>;
}

/** For every leaf reachable from the arguments, the baseline with that one leaf replaced by each malformed value. */
function cases(field: GraphQLField<unknown, unknown>, row: Row): Case[] {
  const base: Record<string, unknown> = {};
  for (const arg of field.args) {
    if (arg.name in row) base[arg.name] = row[arg.name];
    else if (isNonNullType(arg.type) && arg.defaultValue === undefined) base[arg.name] = baseline(arg.type);
  }
  const out: Case[] = [];
  const visit = (type: GraphQLInputType, path: Array<string | number>, current: unknown, enclosing: string[] = []) => {
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      visit(nullable.ofType, [...path, 0], Array.isArray(current) ? current[0] : baseline(nullable.ofType), enclosing);
      return;
    }
    if (isInputObjectType(nullable)) {
      // A recursive input (a meter's subMeters) has the same leaves one level down: visit each type once per path.
      if (enclosing.includes(nullable.name)) return;
      const object = (current ?? baseline(nullable)) as Record<string, unknown>;
      for (const child of Object.values(nullable.getFields()))
        visit(child.type, [...path, child.name], object[child.name], [...enclosing, nullable.name]);
      return;
    }
    if (!isLeafType(nullable)) return;
    for (const bad of malformed(type)) {
      if (bad.value === HUGE && LARGE_BY_DESIGN.has([field.name, ...path].join('.'))) continue;
      out.push({
        label: `${path.join('.')}: ${bad.label}`,
        argument: String(path[0]),
        bounded: BOUNDED.has(bad.label),
        variables: replaceAt(base, path, bad.value),
      });
    }
  };
  for (const arg of field.args as GraphQLArgument[]) visit(arg.type, [arg.name], base[arg.name]);
  return out;
}

function replaceAt(value: Record<string, unknown>, path: Array<string | number>, leaf: unknown): Record<string, unknown> {
  const copy = structuredClone(value);
  let parent: Record<string | number, unknown> = copy;
  path.forEach((key, index) => {
    if (index === path.length - 1) {
      parent[key] = leaf;
      return;
    }
    const next = path[index + 1];
    parent[key] ??= typeof next === 'number' ? [] : {};
    parent = parent[key] as Record<string | number, unknown>;
  });
  return copy;
}

function document(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  // An argument's default stays the variable's default, so that only the malformed leaf differs.
  const defaultOf = (arg: GraphQLArgument) => {
    const value = arg.defaultValue === undefined ? undefined : astFromValue(arg.defaultValue, arg.type);
    return value ? ` = ${print(value)}` : '';
  };
  const declared = field.args.map((arg) => `$${arg.name}: ${String(arg.type)}${defaultOf(arg)}`).join(', ');
  const passed = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return `${kind}${declared ? ` (${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${selection} }`;
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack(OPEN_WITH_ADMIN);
});
afterAll(async () => {
  await stack?.stop();
});

function upstreamRequests(): Array<{ method: string; path: string; count: number }> {
  return Object.keys(stack.subgraphs)
    .map((name) => stack.simulator(name).stats().requests)
    .flat();
}

function upstreamWrites(): number {
  return upstreamRequests()
    .filter((entry) => entry.method !== 'GET' && entry.method !== 'HEAD' && !isLogin(entry.path))
    .reduce((sum, entry) => sum + entry.count, 0);
}

function upstreamCalls(): number {
  return upstreamRequests().reduce((sum, entry) => sum + entry.count, 0);
}

/** Logging in to a provider (a token or session request) writes nothing. */
function isLogin(path: string): boolean {
  return ['/connect/token', '/token', '/session'].includes(path);
}

describe('every root field has a row', () => {
  it.each([
    ['Query', QUERIES],
    ['Mutation', MUTATIONS],
  ] as const)('%s', (type, rows) => {
    const root = type === 'Query' ? schema.getQueryType() : schema.getMutationType();
    const fields = Object.keys(root!.getFields());
    expect(fields.filter((field) => !(field in rows))).toEqual([]);
    expect(Object.keys(rows).filter((field) => !fields.includes(field))).toEqual([]);
  });
});

for (const [kind, rows] of [
  ['query', QUERIES],
  ['mutation', MUTATIONS],
] as const) {
  const root = kind === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
  describe(`${kind} fields`, () => {
    for (const [name, row] of Object.entries(rows)) {
      const field = root.getFields()[name];
      if (!field) continue; // reported by "every root field has a row"
      const all = cases(field, row);
      if (kind === 'query') {
        // An unknown id for every ID argument.
        for (const arg of field.args.filter((each) => getNamedType(each.type).name === 'ID' && !isListType(getNullableType(each.type)))) {
          all.push({
            label: `${arg.name}: unknown id`,
            argument: arg.name,
            bounded: false,
            variables: { ...cases(field, row)[0]?.variables, [arg.name]: UNKNOWN_ID },
          });
        }
      }
      if (all.length === 0) continue;
      it(`${name}: ${all.length} malformed inputs each get a coded error${kind === 'mutation' ? ' and write nothing' : ''}`, async () => {
        const failures: string[] = [];
        for (const each of all.filter((one) => !(one.label in (ACCEPTED[name] ?? {})))) {
          const [writes, calls] = [upstreamWrites(), upstreamCalls()];
          const { errors } = await stack.query(document(kind, field), each.variables);
          const codes = errors.map((error) => String(error.extensions?.code));
          if (errors.length === 0) failures.push(`${each.label}: no error`);
          else if (!codes.every((code) => CODES.includes(code))) failures.push(`${each.label}: ${describeErrors(errors).join('; ')}`);
          if (kind === 'mutation' && upstreamWrites() !== writes) failures.push(`${each.label}: wrote upstream`);
          if (each.bounded) {
            const named = errors.some((error) => error.extensions?.code === 'BAD_USER_INPUT' && error.message.includes(each.argument));
            if (!named) failures.push(`${each.label}: not BAD_USER_INPUT naming ${each.argument}: ${describeErrors(errors).join('; ')}`);
            if (upstreamCalls() !== calls) failures.push(`${each.label}: called upstream`);
          }
        }
        expect(failures).toEqual([]);
      });
    }
  });
}
