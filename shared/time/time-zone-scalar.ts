import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/**
 * `TimeZone`: an IANA zone name such as "Europe/London". Parsing accepts any string on purpose: whether
 * the zone exists is checked by resolveRange, which answers BAD_USER_INPUT with the zone's name, the
 * same whether the client sent a literal or a variable (a scalar that refused at parse time would give
 * GRAPHQL_VALIDATION_FAILED for a literal, and a bare HTTP 400 for a variable).
 */
export const TimeZoneScalar = new GraphQLScalarType<string, string>({
  name: 'TimeZone',
  description: 'An IANA time zone name, e.g. "Europe/London", "Europe/Amsterdam" or "UTC".',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value !== 'string') throw notAZoneName(value);
    return value;
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw notAZoneName(ast.kind);
    return ast.value;
  },
});

function notAZoneName(value: unknown): GraphQLError {
  return new GraphQLError(`A TimeZone is a string such as "Europe/London", not ${String(value)}.`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}
