import type { QueryLimits } from '../config.js';
import { QueryLimitError } from './limits.js';
import type { GatewayPlugin } from './plugin.js';
import { estimateReadings } from './readings-estimator.js';

/**
 * Refuses a query that would fetch more than `maxReadings` readings from the providers (list sizes ×
 * time-series lengths, readings-estimator.ts), once its operation and variables are known and before
 * the gateway plans it.
 */
export function useReadingsEstimate(limits: QueryLimits): GatewayPlugin {
  return {
    apolloPlugins: [
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ schema, document, operation, request }) {
              if (!operation) return;
              const readings = estimateReadings(schema, document, operation, request.variables ?? {}, limits.defaultListSize);
              if (readings > limits.maxReadings) {
                throw new QueryLimitError(
                  'QUERY_TOO_COMPLEX',
                  'maxReadings',
                  limits.maxReadings,
                  `The query would fetch about ${readings} readings (lists × time-series lengths); at most ${limits.maxReadings} are served per query. Ask for shorter ranges, a coarser resolution or smaller pages (first), or split the query (limit maxReadings = ${limits.maxReadings}).`,
                  { estimated: readings },
                );
              }
            },
          };
        },
      },
    ],
  };
}
