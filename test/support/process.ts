import { fileURLToPath } from 'node:url';

/** The project root, for commands a test runs as a person would. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** tsx, which runs the TypeScript sources directly (`npm start` uses it too). */
export const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
