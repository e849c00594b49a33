/** __Label__'s GraphQL types, one file per entity: records from the connector map in here. */
export * from './meter.js';
