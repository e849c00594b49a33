import { ValidateBy, type ValidationOptions } from 'class-validator';

/** A flat object whose values are all strings: the "metadata" maps providers accept. */
export function IsStringMap(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringMap',
      validator: {
        validate: (value: unknown) =>
          value !== null &&
          typeof value === 'object' &&
          !Array.isArray(value) &&
          Object.values(value as Record<string, unknown>).every((entry) => typeof entry === 'string'),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be an object whose values are all strings`,
      },
    },
    validationOptions,
  );
}
