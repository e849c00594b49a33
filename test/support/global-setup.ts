import { EXTERNAL_TOOLS, hasTool, missingToolLine, type ExternalToolName } from './tools.js';

/** Runs once per `vitest run`, before any test file: one line for each missing external program. */
export default function reportMissingTools(): void {
  for (const name of Object.keys(EXTERNAL_TOOLS) as ExternalToolName[]) {
    if (!hasTool(name)) console.warn(`\u26a0 ${missingToolLine(name)}`);
  }
}
