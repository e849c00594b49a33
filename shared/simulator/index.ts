export * from './server.js';
export * from './load-profile.js';
export * from './ids.js';
export * from './request.js';
export * from './tokens.js';
export * from './shared-metering-points.js';
