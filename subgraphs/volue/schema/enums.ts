import { registerEnumType } from 'type-graphql';

/** Volue's enums as GraphQL enums: values are Volue's own spellings, so records map without a table. */

export enum VolueLocationType {
  UNKNOWN = 'Unknown',
  RESIDENTIAL = 'Residential',
  COMMERCIAL = 'Commercial',
  OTHER = 'Other',
}
registerEnumType(VolueLocationType, {
  name: 'VolueLocationType',
  description: 'What kind of site a Volue location is.',
  valuesConfig: {
    UNKNOWN: { description: 'Not stated.' },
    RESIDENTIAL: { description: 'A home.' },
    COMMERCIAL: { description: 'An office, shop or other business premises.' },
    OTHER: { description: 'Any other kind of site.' },
  },
});

export enum VolueResourceType {
  GENERIC = 'Generic',
  VEHICLE = 'Vehicle',
  CHARGER = 'Charger',
  HOT_WATER_TANK = 'HotWaterTank',
  HVAC = 'HVAC',
  SOLAR_INVERTER = 'SolarInverter',
}
registerEnumType(VolueResourceType, {
  name: 'VolueResourceType',
  description: 'The kind of flexible resource (a device whose consumption can be shifted) registered with Volue.',
  valuesConfig: {
    GENERIC: { description: 'Any other controllable device.' },
    VEHICLE: { description: 'An electric vehicle (bound to its user, not to a location).' },
    CHARGER: { description: 'An EV charger.' },
    HOT_WATER_TANK: { description: 'An electrically heated hot water tank.' },
    HVAC: { description: 'Heating, ventilation or air conditioning, e.g. a heat pump.' },
    SOLAR_INVERTER: { description: 'A solar PV inverter.' },
  },
});

export enum VolueNotificationType {
  UNKNOWN = 'Unknown',
  PRICE_CURVE_CREATED = 'PriceCurveCreated',
  USER_ELIGIBILITY_UPDATED = 'UserEligibilityUpdated',
  LOCATION_LPC_REQUESTED = 'LocationLPCRequested',
  RESOURCE_LPC_REQUESTED = 'ResourceLPCRequested',
  LPC_RESERVATION_CREATED = 'LPCReservationCreated',
}
registerEnumType(VolueNotificationType, {
  name: 'VolueNotificationType',
  description: 'The kind of event notification Volue sends to a webhook.',
  valuesConfig: {
    UNKNOWN: { description: 'A type this service does not know.' },
    PRICE_CURVE_CREATED: { description: 'A new price curve (incentive) for some resources.' },
    USER_ELIGIBILITY_UPDATED: { description: 'Users became eligible, or stopped being eligible, for flexibility.' },
    LOCATION_LPC_REQUESTED: {
      description:
        'A limit on the power of some locations (load power control) is requested; Volue’s docs also spell it LocationLPCCreated.',
    },
    RESOURCE_LPC_REQUESTED: { description: 'A limit on the power of some resources is requested.' },
    LPC_RESERVATION_CREATED: { description: 'A reservation of load power control capacity was created.' },
  },
});

export enum VolueWebhookStatus {
  NEW = 'New',
  HEALTHY = 'Healthy',
  UNHEALTHY = 'Unhealthy',
  TIME_OUT = 'TimeOut',
}
registerEnumType(VolueWebhookStatus, {
  name: 'VolueWebhookStatus',
  description: 'How Volue judges a webhook from its recent deliveries.',
  valuesConfig: {
    NEW: { description: 'Nothing delivered yet.' },
    HEALTHY: { description: 'The last delivery was answered with a 2xx status.' },
    UNHEALTHY: { description: 'The last delivery failed or was answered with an error status.' },
    TIME_OUT: { description: 'The last delivery was not answered in time.' },
  },
});

export enum VolueCurrency {
  NOK = 'NOK',
  EUR = 'EUR',
  SEK = 'SEK',
  DKK = 'DKK',
}
registerEnumType(VolueCurrency, {
  name: 'VolueCurrency',
  description: 'A currency Volue states prices and compensation in.',
  valuesConfig: {
    NOK: { description: 'Norwegian krone.' },
    EUR: { description: 'Euro.' },
    SEK: { description: 'Swedish krona.' },
    DKK: { description: 'Danish krone.' },
  },
});

export enum VolueEnergyUnit {
  KWH = 'kWh',
  MWH = 'MWh',
}
registerEnumType(VolueEnergyUnit, {
  name: 'VolueEnergyUnit',
  description: 'The energy unit a Volue price is per.',
  valuesConfig: { KWH: { description: 'Per kilowatt hour.' }, MWH: { description: 'Per megawatt hour.' } },
});

export enum VoluePriceArea {
  UNKNOWN = 'Unknown',
  NO1 = 'NO1',
  NO2 = 'NO2',
  NO3 = 'NO3',
  NO4 = 'NO4',
  NO5 = 'NO5',
  FI = 'FI',
  DK1 = 'DK1',
  DK2 = 'DK2',
  SE1 = 'SE1',
  SE2 = 'SE2',
  SE3 = 'SE3',
  SE4 = 'SE4',
}
registerEnumType(VoluePriceArea, {
  name: 'VoluePriceArea',
  description: 'A Nordic electricity bidding zone.',
  valuesConfig: {
    UNKNOWN: { description: 'Volue does not know the zone.' },
    FI: { description: 'Finland.' },
    DK1: { description: 'Denmark west.' },
    DK2: { description: 'Denmark east.' },
    NO1: { description: 'Norway south-east (Oslo).' },
    NO2: { description: 'Norway south-west (Kristiansand).' },
    NO3: { description: 'Norway middle (Trondheim).' },
    NO4: { description: 'Norway north (Tromsø).' },
    NO5: { description: 'Norway west (Bergen).' },
    SE1: { description: 'Sweden north (Luleå).' },
    SE2: { description: 'Sweden north-middle (Sundsvall).' },
    SE3: { description: 'Sweden south-middle (Stockholm).' },
    SE4: { description: 'Sweden south (Malmö).' },
  },
});

export enum VolueCompensationProblemType {
  MISSING_MPID_ON_LOCATION = 'MissingMpidOnLocation',
  COMPENSATION_MPID_DOES_NOT_MATCH_LOCATION = 'CompensationMpidDoesNotMatchLocation',
}
registerEnumType(VolueCompensationProblemType, {
  name: 'VolueCompensationProblemType',
  description: 'Why Volue cannot compensate a location (fully).',
  valuesConfig: {
    MISSING_MPID_ON_LOCATION: { description: 'The location has no meter point id.' },
    COMPENSATION_MPID_DOES_NOT_MATCH_LOCATION: { description: 'The compensated meter point is not the location’s.' },
  },
});
