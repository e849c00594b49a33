import { DateTimeScalar } from '../../shared/time/date-time-scalar.js';
import { IsEmail, IsNotEmpty, IsOptional, MaxLength } from 'class-validator';
import { Directive, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType, Meter } from '../../shared/graph/index.js';
import type { ProviderName } from '../../shared/graph/provider-names.js';
import type { IntellimeterAccountRecord, IntellimeterPointRecord, IntellimeterUserRecord } from './client.js';

/** Intellimeter's entities, inputs and enums as GraphQL types. Records from the connector map in here. */

export enum IntellimeterChartType {
  PIE = 'pie',
  BAR = 'bar',
  LINE = 'line',
}
registerEnumType(IntellimeterChartType, {
  name: 'IntellimeterChartType',
  description: 'The kind of chart Intellimeter draws of all metering points of the site.',
  valuesConfig: {
    PIE: { description: 'One slice per metering point: its energy over the last 24 hours.' },
    BAR: { description: 'Bars per hour of the last 24 hours, one series per metering point.' },
    LINE: { description: 'Lines per hour of the last 24 hours, one per metering point.' },
  },
});

@ObjectType('IntellimeterAccount', {
  description: 'The Intellimeter API account this server is logged in as (the account of its API key).',
})
@Directive('@key(fields: "id")')
export class IntellimeterAccount {
  @Field(() => ID, { description: "Intellimeter's user id (uuid) of the account." })
  id: string;

  @Field(() => String, { description: 'The account’s username; unique across Intellimeter.' })
  username: string;

  @Field(() => String, { description: 'The account’s email address.' })
  email: string;

  @Field(() => Int, { description: 'Id of the project (site) the account belongs to.' })
  projectId: number;

  @Field(() => String, { nullable: true, description: 'Name of the project (site) the account belongs to.' })
  projectName: string | null;

  @Field(() => DateTimeScalar, {
    description: 'When the account was created; Intellimeter gives site-local time, converted here with the site’s zone.',
  })
  joined: Date;

  static fromRecord(record: IntellimeterAccountRecord): IntellimeterAccount {
    return Object.assign(new IntellimeterAccount(), {
      id: String(record.uuid),
      username: record.username,
      email: record.email,
      projectId: record.project,
      projectName: record.projectName,
      joined: record.joined,
    });
  }
}

@ObjectType('IntellimeterUser', { description: 'A user of the same Intellimeter project (site) as the API account.' })
@Directive('@key(fields: "id")')
export class IntellimeterUser {
  @Field(() => ID, { description: "Intellimeter's user id (uuid)." })
  id: string;

  @Field(() => String, { description: 'The username; unique across Intellimeter.' })
  username: string;

  @Field(() => String, { description: 'The user’s email address.' })
  email: string;

  @Field(() => DateTimeScalar, { description: 'When the user was created (site-local time converted with the site’s zone).' })
  joined: Date;

  static fromRecord(record: IntellimeterUserRecord | IntellimeterAccountRecord): IntellimeterUser {
    return Object.assign(new IntellimeterUser(), {
      id: String(record.uuid),
      username: record.username,
      email: record.email,
      joined: record.joined,
    });
  }
}

@ObjectType('IntellimeterModbusDetails', { description: 'How the Intellimeter logger reads a meter over Modbus.' })
export class IntellimeterModbusDetails {
  @Field(() => Int, { nullable: true, description: 'The meter’s Modbus slave address on its port.' })
  modbusId: number | null;

  @Field(() => String, { nullable: true, description: 'The logger port the meter is wired to, e.g. "USB0".' })
  port: string | null;

  @Field(() => Int, { nullable: true, description: 'Number of electrical phases measured (1 or 3).' })
  phases: number | null;

  @Field(() => String, { nullable: true, description: 'The meter model, e.g. "I-45/MFX/636".' })
  meterType: string | null;

  @Field(() => String, { nullable: true, description: 'The register map file the logger uses for this meter, e.g. "Priority.ici".' })
  modbusMap: string | null;

  @Field(() => Int, { nullable: true, description: 'First Modbus register address read.' })
  startAddress: number | null;

  @Field(() => Int, { nullable: true, description: 'How often the logger saves a reading, in minutes (5 on a standard site).' })
  saveEveryMinutes: number | null;
}

@ObjectType('IntellimeterPoint', {
  implements: Meter,
  description:
    'A metering point of the Intellimeter site: one Modbus meter the logger reads every five minutes. `id` is Intellimeter’s numeric id, `name` its MeterId (unique on the site).',
})
@Directive('@key(fields: "id")')
export class IntellimeterPoint extends Meter {
  @Field(() => IntellimeterModbusDetails, { description: 'How the logger reads this meter.' })
  modbus: IntellimeterModbusDetails;

  static fromRecord(record: IntellimeterPointRecord): IntellimeterPoint {
    return Object.assign(new IntellimeterPoint(), {
      id: String(record.id),
      provider: 'INTELLIMETER' as ProviderName,
      // Intellimeter records none: IntellimeterPointResolver answers it from the metering-point mapping.
      meterPointId: null,
      name: record.name,
      modbus: Object.assign(new IntellimeterModbusDetails(), {
        modbusId: record.modbusId,
        port: record.port,
        phases: record.phases,
        meterType: record.meterType,
        modbusMap: record.modbusMap,
        startAddress: record.startAddress,
        saveEveryMinutes: record.saveEveryMinutes,
      }),
    });
  }
}

@ObjectType('IntellimeterRegisterReading', { description: 'A cumulative energy register read at one instant.' })
export class IntellimeterRegisterReading {
  @Field(() => DateTimeScalar, { description: 'When the register was read (the site-local timestamp, converted with the site’s zone).' })
  at: Date;

  @Field(() => Float, { description: 'The register: energy counted since the meter was installed or last reset, in kWh.' })
  valueKwh: number;
}

@ObjectType('IntellimeterIntervalReading', { description: 'Energy of the latest five-minute interval, [start, end).' })
export class IntellimeterIntervalReading {
  @Field(() => DateTimeScalar, { description: 'Start of the interval (inclusive).' })
  start: Date;

  @Field(() => DateTimeScalar, { description: 'End of the interval (exclusive): the timestamp Intellimeter gives the reading.' })
  end: Date;

  @Field(() => Float, { description: 'Energy consumed in the interval, in kWh.' })
  valueKwh: number;
}

@ObjectType('IntellimeterRegisterReset', {
  description:
    'A drop of the cumulative register between two readings five minutes apart (a meter replacement, reset or rollover). ' +
    'The interval it falls in is reported as ESTIMATED, never as a negative consumption.',
})
export class IntellimeterRegisterReset {
  @Field(() => DateTimeScalar, { description: 'Start of the five-minute interval in which the register dropped (inclusive).' })
  start: Date;

  @Field(() => DateTimeScalar, { description: 'End of that interval (exclusive): when the lower value was read.' })
  end: Date;

  @Field(() => Float, { description: 'The register before the drop, in kWh.' })
  beforeKwh: number;

  @Field(() => Float, { description: 'The register after the drop, in kWh.' })
  afterKwh: number;
}

@ObjectType('IntellimeterChart', { description: 'A chart image drawn by Intellimeter, ready to show: put `dataUrl` in an <img src>.' })
export class IntellimeterChart {
  @Field(() => String, { description: 'The image’s media type, "image/png".' })
  mimeType: string;

  @Field(() => String, { description: 'The image as a data: URL (base64), e.g. "data:image/png;base64,iVBOR…".' })
  dataUrl: string;

  @Field(() => Int, { description: 'Width of the image in pixels, as drawn.' })
  width: number;

  @Field(() => Int, { description: 'Height of the image in pixels, as drawn.' })
  height: number;

  @Field(() => Int, { description: 'Size of the image file in bytes.' })
  byteLength: number;
}

@ObjectType('IntellimeterKeyRotation', {
  description:
    'The outcome of rotating the API key. The new key never leaves the server: every replica logs in with it from the store, also after a restart.',
})
export class IntellimeterKeyRotation {
  @Field(() => DateTimeScalar, { description: 'When Intellimeter issued the new key (this server’s clock).' })
  rotatedAt: Date;

  @Field(() => String, {
    description:
      'Identifies the new key without revealing it: "sha256:" and the first 12 hex digits of its SHA-256 (`printf %s KEY | sha256sum`).',
  })
  fingerprint: string;

  @Field(() => Boolean, {
    description:
      'Whether the store kept the new key, so that every replica and a restarted server use it. False: only the server that rotated knows it (its log says so); rotate again once the store answers.',
  })
  keptInStore: boolean;
}

@InputType('CreateIntellimeterUserInput', { description: 'A new user of the API account’s project.' })
export class CreateIntellimeterUserInput {
  @Field(() => String, { description: 'The username; must be unique across Intellimeter.' })
  @IsNotEmpty()
  @MaxLength(100)
  username: string;

  @Field(() => String, { description: 'The new user’s password (sent to Intellimeter, never stored here).' })
  @IsNotEmpty()
  @MaxLength(200)
  password: string;

  @Field(() => String, { description: 'The new user’s email address.' })
  @IsEmail()
  email: string;
}

@InputType('UpdateIntellimeterAccountInput', { description: 'Changes to the API account; omitted fields keep their values.' })
export class UpdateIntellimeterAccountInput {
  @Field(() => String, { nullable: true, description: 'A new username; must be unique across Intellimeter.' })
  @IsOptional()
  @IsNotEmpty()
  @MaxLength(100)
  username?: string;

  @Field(() => String, { nullable: true, description: 'A new password.' })
  @IsOptional()
  @IsNotEmpty()
  @MaxLength(200)
  password?: string;

  @Field(() => String, { nullable: true, description: 'A new email address.' })
  @IsOptional()
  @IsEmail()
  email?: string;
}

export const IntellimeterUserConnection = ConnectionType(IntellimeterUser, 'IntellimeterUser');
export const IntellimeterPointConnection = ConnectionType(IntellimeterPoint, 'IntellimeterPoint');

export enum IntellimeterFileType {
  CSV = 'csv',
  JSON = 'json',
  XML = 'xml',
  YAML = 'yaml',
}
registerEnumType(IntellimeterFileType, {
  name: 'IntellimeterFileType',
  description: 'The format Intellimeter writes a history file in (its /file `type`).',
  valuesConfig: {
    CSV: { description: 'Comma-separated, with the header MeterParam,TimeStamping,value (Intellimeter’s default).' },
    JSON: { description: 'A JSON list of {MeterParam, TimeStamping, value}.' },
    XML: { description: 'Intellimeter’s typed XML (<Response><item type="dict">…).' },
    YAML: { description: 'A YAML list of the same rows as JSON.' },
  },
});

@ObjectType('IntellimeterHistoryFile', {
  description:
    'A history file exactly as Intellimeter writes it (its /file export): every saved register reading (kWh, every five minutes, site-local time without a zone) of one point or all, for whole site days.',
})
export class IntellimeterHistoryFile {
  @Field(() => IntellimeterFileType, { description: 'The format of `content`.' })
  type: IntellimeterFileType;

  @Field(() => String, { description: 'The media type Intellimeter gave the file, e.g. "text/csv".' })
  mimeType: string;

  @Field(() => String, { description: 'A file name for saving it: history_<first day>_<last day>.<type>.' })
  fileName: string;

  @Field(() => String, { description: 'The first site day covered (YYYY-MM-DD).' })
  firstDay: string;

  @Field(() => String, { description: 'The last site day covered, included (YYYY-MM-DD).' })
  lastDay: string;

  @Field(() => String, { nullable: true, description: 'The one point (its name) the file holds; null: every point of the site.' })
  pointName: string | null;

  @Field(() => String, { description: 'The file’s text, unchanged.' })
  content: string;

  @Field(() => Int, { description: 'Size of the file in bytes (UTF-8).' })
  byteLength: number;
}

@ObjectType('IntellimeterApiKeyInfo', {
  description:
    'What can safely be told about the API key of the account this server is logged in as (Intellimeter’s GET /key). The key itself is a credential and is never returned.',
})
export class IntellimeterApiKeyInfo {
  @Field(() => String, {
    description:
      'Tells keys apart without showing them: "sha256:" and the first 12 hex digits of the key’s SHA-256, as rotateIntellimeterApiKey reports a new key.',
  })
  fingerprint: string;

  @Field(() => Boolean, {
    description: 'Whether this server logs in with this key (false when it logs in by username and password, or with an older key).',
  })
  inUse: boolean;

  @Field(() => DateTimeScalar, { description: 'When Intellimeter was asked (this server’s clock).' })
  checkedAt: Date;
}

@ObjectType('IntellimeterLogout', { description: 'The outcome of ending this server’s Intellimeter session.' })
export class IntellimeterLogout {
  @Field(() => DateTimeScalar, { description: 'When the session was ended (this server’s clock). The next call logs in again.' })
  loggedOutAt: Date;
}
