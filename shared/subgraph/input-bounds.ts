import type { ApolloServerPlugin } from '@apollo/server';
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isEnumType,
  isInputObjectType,
  isListType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { BadUserInputError } from '../graph/errors.js';
import { numberInRange, readConfig } from './config.js';

/**
 * Input bounds (DESIGN.md "Doors"): every argument value of an operation — literal or from a variable,
 * at any depth of input objects and lists — is checked against its schema type before anything is
 * resolved, so no resolver and no upstream call ever sees it. Every server (gateway and subgraphs) runs
 * the same check, derived from the schema, not written per resolver:
 * - an `ID` (and any custom scalar that arrives as a string: a time zone, an e-mail address) is an
 *   identifier: at most INPUT_MAX_ID_LENGTH characters, no control character at all;
 * - a `String` is free text: at most INPUT_MAX_TEXT_LENGTH characters, no control character but
 *   tab, line feed and carriage return; the strings inside a JSON value count as free text;
 * - a number is finite and at most INPUT_MAX_MAGNITUDE either side of 0, so sums of inputs cannot
 *   overflow (providers' physical bounds, like the energy one interval can hold, come on top);
 * - a list holds at most INPUT_MAX_LIST_ITEMS items;
 * - a String argument or input field named `…Base64` is a file, not text: base64 characters only, its
 *   size left to the body limit and to the field's own cap (Openvolt's document upload).
 * A value outside them is BAD_USER_INPUT naming the argument (`input.values[3].value`).
 */
export interface InputBounds {
  maxIdLength: number;
  maxTextLength: number;
  maxMagnitude: number;
  maxListItems: number;
}

export const INPUT_BOUNDS_SETTINGS = {
  INPUT_MAX_ID_LENGTH: numberInRange(
    16,
    10_000,
  )({ default: 256, desc: 'Longest ID (or other identifier) an argument may hold, in characters (BAD_USER_INPUT)' }),
  INPUT_MAX_TEXT_LENGTH: numberInRange(
    16,
    1_000_000,
  )({ default: 10_000, desc: 'Longest free text (a String argument, a string in JSON) an argument may hold, in characters' }),
  INPUT_MAX_MAGNITUDE: numberInRange(1, 1e300)({ default: 1e12, desc: 'Largest number, either side of 0, an argument may hold' }),
  INPUT_MAX_LIST_ITEMS: numberInRange(1, 1_000_000)({ default: 10_000, desc: 'Most items a list argument may hold' }),
};

export function readInputBounds(env: NodeJS.ProcessEnv): InputBounds {
  const config = readConfig(INPUT_BOUNDS_SETTINGS, env);
  return {
    maxIdLength: config.INPUT_MAX_ID_LENGTH,
    maxTextLength: config.INPUT_MAX_TEXT_LENGTH,
    maxMagnitude: config.INPUT_MAX_MAGNITUDE,
    maxListItems: config.INPUT_MAX_LIST_ITEMS,
  };
}

export const DEFAULT_INPUT_BOUNDS: InputBounds = readInputBounds({});

/**
 * The check as an Apollo Server plugin: it runs once the operation is known, before it is planned or
 * executed. Apollo hands over the same parsed document for the same text, so where an operation's
 * arguments are, and whether its literal values are in bounds, is worked out once per document; a
 * request then checks only the arguments its variables fill (profiled: the whole walk was a tenth of
 * the gateway's CPU on a small query).
 */
export function inputBoundsPlugin(bounds: InputBounds): ApolloServerPlugin {
  const variableSites = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, ArgumentSite[]>>();
  const sitesFilledByVariables = (schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode) => {
    let bySchema = variableSites.get(schema);
    if (!bySchema) variableSites.set(schema, (bySchema = new WeakMap()));
    let sites = bySchema.get(operation);
    if (!sites) {
      const all = argumentSites(schema, document, operation);
      // Literals first, once: a document whose literals are out of bounds is never remembered, so it is refused every time.
      checkSites(
        all.filter((site) => !site.usesVariables),
        {},
        bounds,
      );
      sites = all.filter((site) => site.usesVariables);
      bySchema.set(operation, sites);
    }
    return sites;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const sites = sitesFilledByVariables(schema, document, operation);
          if (sites.length === 0) return;
          const variables = coercedVariables(schema, operation, request.variables ?? {});
          if (variables) checkSites(sites, variables, bounds);
        },
      };
    },
  };
}

// C0 controls and DEL; free text may hold tab, line feed and carriage return. C1 controls (U+0080–U+009F) too.
const ID_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Throws BadUserInputError for the first argument value outside `bounds`. */
export function checkInputBounds(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  bounds: InputBounds,
): void {
  const coerced = coercedVariables(schema, operation, variables);
  if (coerced) checkSites(argumentSites(schema, document, operation), coerced, bounds);
}

/** A field that takes arguments, in an operation or one of its document's fragments. */
interface ArgumentSite {
  /** `Type.field`, as an error names it. */
  field: string;
  definition: GraphQLField<unknown, unknown>;
  node: FieldNode;
  /** Some argument value is (or holds) a variable: the site is checked on every request. */
  usesVariables: boolean;
}

/** Coercion errors (a wrong type) are left to execution, which reports them as GraphQL does: undefined. */
function coercedVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>) {
  if (!operation.variableDefinitions?.length) return {};
  return getVariableValues(schema, operation.variableDefinitions, variables).coerced;
}

function argumentSites(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): ArgumentSite[] {
  const sites: ArgumentSite[] = [];
  const typeInfo = new TypeInfo(schema);
  const collect = (node: DocumentNode['definitions'][number]) =>
    visit(
      node,
      visitWithTypeInfo(typeInfo, {
        Field(field) {
          const definition = typeInfo.getFieldDef();
          if (!definition || !field.arguments?.length) return;
          let usesVariables = false;
          for (const argument of field.arguments) visit(argument.value, { Variable: () => void (usesVariables = true) });
          sites.push({ field: `${typeInfo.getParentType()?.name}.${field.name.value}`, definition, node: field, usesVariables });
        },
      }),
    );
  collect(operation);
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) collect(definition);
  return sites;
}

function checkSites(sites: readonly ArgumentSite[], variables: Record<string, unknown>, bounds: InputBounds): void {
  for (const { field, definition, node } of sites) {
    const values = getArgumentValues(definition, node, variables);
    const refuse = refusal(field);
    for (const argument of definition.args) {
      if (argument.name in values) checkValue(values[argument.name], argument.type, argument.name, refuse, bounds);
    }
  }
}

/** Says which argument of which field is out of bounds, and the setting that bounds it. */
type Refuse = (path: string, problem: string, setting?: string) => never;

function refusal(field: string): Refuse {
  return (path, problem, setting) => {
    throw new BadUserInputError(`Argument ${path} of ${field} ${problem}${setting ? ` (${setting})` : ''}.`, { argument: path, field });
  };
}

function checkValue(value: unknown, type: GraphQLInputType, path: string, refuse: Refuse, bounds: InputBounds): void {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const items = value as unknown[];
    checkListLength(items, path, refuse, bounds);
    items.forEach((item, index) => checkValue(item, nullable.ofType, `${path}[${index}]`, refuse, bounds));
    return;
  }
  if (isInputObjectType(nullable)) {
    const fields = nullable.getFields();
    for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
      if (fields[name]) checkValue(child, fields[name].type, `${path}.${name}`, refuse, bounds);
    }
    return;
  }
  if (isEnumType(nullable)) return;
  const text = getNamedType(nullable).name === 'String';
  if (text && path.endsWith('Base64')) {
    if (typeof value === 'string' && !BASE64.test(value)) refuse(path, 'holds characters that are not base64');
    return;
  }
  checkLeaf(value, text ? 'text' : 'id', path, refuse, bounds, 0);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** JSON values nested deeper than this are refused (nobody's metadata is this deep; recursion stays shallow). */
const MAX_JSON_DEPTH = 20;

/** A scalar's value: a string as an identifier or as text, a number, or (a JSON scalar) everything inside it. */
function checkLeaf(value: unknown, kind: 'id' | 'text', path: string, refuse: Refuse, bounds: InputBounds, depth: number): void {
  if (typeof value === 'string') {
    const [max, setting] = kind === 'id' ? [bounds.maxIdLength, 'INPUT_MAX_ID_LENGTH'] : [bounds.maxTextLength, 'INPUT_MAX_TEXT_LENGTH'];
    if (value.length > max) refuse(path, `is ${value.length} characters long; at most ${max} are accepted`, setting);
    const control = (kind === 'id' ? ID_CONTROL : TEXT_CONTROL).exec(value);
    if (control) {
      const code = `U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
      refuse(
        path,
        `holds the control character ${code} at position ${control.index}, which ${kind === 'id' ? 'an identifier' : 'text'} may not hold`,
      );
    }
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) refuse(path, 'is not a finite number');
    if (Math.abs(value) > bounds.maxMagnitude) {
      refuse(path, `is ${value}; numbers from -${bounds.maxMagnitude} to ${bounds.maxMagnitude} are accepted`, 'INPUT_MAX_MAGNITUDE');
    }
    return;
  }
  if (!value || typeof value !== 'object' || value instanceof Date) return;
  // A JSON scalar: its strings are free text, its lists and numbers bounded like arguments'.
  if (depth >= MAX_JSON_DEPTH) refuse(path, `nests deeper than ${MAX_JSON_DEPTH} levels`);
  if (Array.isArray(value)) {
    checkListLength(value, path, refuse, bounds);
    value.forEach((item, index) => checkLeaf(item, 'text', `${path}[${index}]`, refuse, bounds, depth + 1));
    return;
  }
  const entries = Object.entries(value);
  checkListLength(entries, path, refuse, bounds);
  for (const [key, item] of entries) {
    checkLeaf(key, 'text', `${path} (a key)`, refuse, bounds, depth + 1);
    checkLeaf(item, 'text', `${path}.${key}`, refuse, bounds, depth + 1);
  }
}

function checkListLength(items: readonly unknown[], path: string, refuse: Refuse, bounds: InputBounds): void {
  if (items.length > bounds.maxListItems)
    refuse(path, `has ${items.length} items; at most ${bounds.maxListItems} are accepted`, 'INPUT_MAX_LIST_ITEMS');
}
