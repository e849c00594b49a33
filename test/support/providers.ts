import { readFileSync } from 'node:fs';
import { getNamedType, getNullableType, isListType, isObjectType, type GraphQLNamedType, type GraphQLObjectType } from 'graphql';
import { readOwnership, SUPERGRAPH_PATH } from '../../gateway/supergraph.js';
import { PROVIDERS } from '../../subgraphs/registry.js';

/**
 * What tests about "every provider" ask of each one, from the registry and the composed supergraph
 * rather than a list of names, so that a provider added with `npm run new-provider` is among them.
 */

/** Each provider's one field on the cross-provider join, by provider name: `openvolt` → `openvoltMeters`. */
export interface MeteringPointField {
  field: string;
  /** The provider's Meter type it answers with: `OpenvoltMeter`. */
  type: string;
  /** A list of meters, or one meter (UMeter's connection) that is null where the provider knows none. */
  list: boolean;
  /** Its meters have `consumption(range)` (Volue's have no readings). */
  readings: boolean;
}

/** Every provider's MeteringPoint field: the one field of MeteringPoint that only that provider's subgraph resolves. */
export function meteringPointFields(): Record<string, MeteringPointField> {
  const ownership = readOwnership(readFileSync(SUPERGRAPH_PATH, 'utf8'));
  const type = ownership.schema.getType('MeteringPoint') as GraphQLObjectType;
  const fields: Record<string, MeteringPointField> = {};
  for (const { name } of PROVIDERS) {
    const own = Object.values(type.getFields()).filter((field) => {
      const owners = ownership.fieldOwners('MeteringPoint', field.name);
      // The join field lists the provider's Meter type; other fields (Volue's locations) are extra views.
      return owners.size === 1 && owners.has(name) && implementsMeter(getNamedType(field.type));
    });
    if (own.length !== 1) throw new Error(`${name} resolves ${own.length} Meter fields of MeteringPoint; every provider resolves one`);
    const [{ name: field, type: fieldType }] = own as [(typeof own)[number]];
    const meterType = getNamedType(fieldType) as GraphQLObjectType;
    fields[name] = {
      field,
      type: meterType.name,
      list: isListType(getNullableType(fieldType)),
      readings: 'consumption' in meterType.getFields(),
    };
  }
  return fields;
}

function implementsMeter(type: GraphQLNamedType): boolean {
  return isObjectType(type) && type.getInterfaces().some((face) => face.name === 'Meter');
}

/** A selection of every provider's MeteringPoint field, each with `selection` (default its meters' ids). */
export function everyProvidersMeteringPointField(selection: string | ((field: MeteringPointField) => string) = '{ id }'): string {
  return Object.values(meteringPointFields())
    .map((field) => `${field.field} ${typeof selection === 'string' ? selection : selection(field)}`)
    .join('\n');
}
