export * from './connection.js';
export * from './deletion.js';
export * from './meter.js';
export * from './metering-point.js';
export * from './provider.js';
export * from './validation.js';
export * from './role-directive.js';
export * from './roles.js';
