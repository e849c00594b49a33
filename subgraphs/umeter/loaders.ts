import { perKeyLoader } from '../../shared/connector/batching.js';
import type { UmeterClient } from './client.js';
import type { UmeterCustomerRecord } from './contract.js';

/**
 * Per-request loaders over the UMeter connector (never module-level: cached records would leak between
 * users). The customer is one call per request; measurements go through the kit's pipeline
 * (readings.ts), which batches them by period for all EANs.
 */
const CUSTOMER = 'customer';

export function createUmeterLoaders(client: UmeterClient) {
  /** The logged-in customer; there is only one per login, so the key is a constant. */
  const customer = perKeyLoader((_key: typeof CUSTOMER) => client.getCustomer());
  return {
    customer: (): Promise<UmeterCustomerRecord> => customer.load(CUSTOMER),
  };
}

export type UmeterLoaders = ReturnType<typeof createUmeterLoaders>;
