import { createHttpClient, type HttpClient, type UpstreamCallSettings } from '../../shared/connector/http-client.js';
import {
  __NAME___API_KEY_HEADER,
  __NAME___PAGE_SIZE,
  __NAME___PATHS,
  type __Name__MeterRecord,
  type __Name__MetersPage,
  type __Name__ReadingRecord,
} from './contract.js';

/**
 * The __Label__ connector: typed calls to its REST API (contract.ts) over the kit's HTTP client, which
 * sets timeouts, retries safe calls, caps concurrency, opens the circuit breaker and turns every failure
 * into a coded error that never carries the key. Records keep __Label__'s field names; schema/ maps them.
 */
export interface __Name__ClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Timeouts, concurrency, retries and breaker of the calls to __Label__ (`__NAME___*` settings). */
  calls: UpstreamCallSettings;
}

export class __Name__Client {
  private readonly http: HttpClient;

  constructor(options: __Name__ClientOptions) {
    this.http = createHttpClient({
      provider: '__NAME__',
      baseUrl: options.baseUrl,
      ...options.calls,
      headers: { accept: 'application/json', [__NAME___API_KEY_HEADER]: options.apiKey },
      secrets: [options.apiKey],
    });
  }

  /** One page of the account's meters (pages count from 1). */
  meters(page: number, pageSize = __NAME___PAGE_SIZE): Promise<__Name__MetersPage> {
    return this.http.get(__NAME___PATHS.meters, { page, pageSize });
  }

  /** The meters with these metering point ids (at most __NAME___MAX_METERING_POINTS_PER_CALL). */
  async metersAt(meteringPointIds: readonly string[]): Promise<__Name__MeterRecord[]> {
    const answer = await this.http.get<__Name__MetersPage>(__NAME___PATHS.meters, { meteringPointIds: meteringPointIds.join(',') });
    return answer.meters;
  }

  /** One meter; NOT_FOUND when __Label__ has none with this id. */
  meter(id: string): Promise<__Name__MeterRecord> {
    return this.http.get(__NAME___PATHS.meter(encodeURIComponent(id)));
  }

  /** The meter's half-hourly readings in [from, to) (at most __NAME___MAX_READINGS_DAYS days). */
  readings(meterId: string, from: Date, to: Date): Promise<__Name__ReadingRecord[]> {
    return this.http.get(__NAME___PATHS.readings(encodeURIComponent(meterId)), { from: from.toISOString(), to: to.toISOString() });
  }
}
