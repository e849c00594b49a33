import { Directive, ObjectType } from 'type-graphql';
import { ConnectionType, Meter, nationalMeterPointId } from '../../../shared/graph/index.js';
import type { ProviderName } from '../../../shared/graph/provider-names.js';
import type { __Name__MeterRecord } from '../contract.js';

@ObjectType('__Name__Meter', {
  implements: Meter,
  description: 'A meter at __Label__, with its half-hourly consumption.',
})
@Directive('@key(fields: "id")')
export class __Name__Meter extends Meter {
  static fromRecord(record: __Name__MeterRecord): __Name__Meter {
    const provider: ProviderName = '__NAME__';
    return Object.assign(new __Name__Meter(), {
      id: record.id,
      provider,
      meterPointId: nationalMeterPointId(record.meteringPointId),
      name: record.name,
    });
  }
}

export const __Name__MeterConnection = ConnectionType(__Name__Meter, '__Name__Meter');
