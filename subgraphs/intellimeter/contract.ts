/**
 * What Intellimeter's connector and its simulator share of the classic API (CONTRACT.md): the routes,
 * the allowed values, the limits and the JSON shapes of its answers. The shapes of `/session`'s answers
 * are Intellimeter's own [C]; the chart size unit and every limit here are inferred [I]. How each shape is written as JSON, XML or YAML is in wire.ts.
 */

/** The zone of the seeded site, and INTELLIMETER_TIME_ZONE's default: Intellimeter's timestamps carry none. */
export const INTELLIMETER_DEFAULT_TIME_ZONE = 'America/Toronto';

/** Routes below the base URL, by the seed's names; the simulator serves them at its root. */
export const INTELLIMETER_PATHS = {
  session: 'session',
  key: 'key',
  /** The latest register of each point. */
  data: 'data',
  /** The latest 5-minute energy of each point. */
  interval: 'interval',
  user: 'user',
  graphics: 'graphics',
  point: 'point',
  /** History files. */
  file: 'file',
} as const;

/** `responseType` of every JSON route; any other is executed first and then refused with 400 [C]. */
export const RESPONSE_TYPES = ['json', 'xml', 'yaml'] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];

/** `type` of `/file` (default csv). */
export const FILE_TYPES = ['csv', 'json', 'xml', 'yaml'] as const;
export type FileType = (typeof FILE_TYPES)[number];

/** `type` of `/graphics` (default pie). */
export const CHART_TYPES = ['pie', 'bar', 'line'] as const;
export type ChartType = (typeof CHART_TYPES)[number];

/** Every point saves its register this often (`SaveEvery`, minutes); `/data` and `/interval` move on with it. */
export const INTELLIMETER_SAVE_EVERY_MS = 5 * 60_000;

/** The most site-local days one `/file` covers [I: the seed names no limit]. */
export const INTELLIMETER_MAX_FILE_DAYS = 93;

/**
 * The most site days the graph's raw history export (`intellimeterHistoryFile`) asks for at once, so
 * that one answer stays a few MB (every point, every five minutes) [I: a choice here, not Intellimeter's].
 */
export const INTELLIMETER_MAX_EXPORT_DAYS = 31;

/**
 * `/graphics` takes `width` and `height` "in thousands of pixels" (default 16 × 9), read as hundreds [I]:
 * a size in pixels is sent divided by this.
 */
export const INTELLIMETER_CHART_PIXELS_PER_UNIT = 100;
export const INTELLIMETER_CHART_DEFAULT_UNITS = { width: 16, height: 9 } as const;
/** The sizes, in pixels, a chart can be drawn at. */
export const INTELLIMETER_CHART_PIXELS = { min: 16, max: 4096 } as const;

/**
 * `GET /session`, and `POST`/`PUT /user`: an account [C]. Timestamps here and below are the site's local
 * time without a zone: `2019-10-29 16:07:17` (JSON, YAML) or `2019-10-29T16:07:17` (XML).
 */
export interface IntellimeterAccountJson {
  uuid: number;
  project: number;
  username: string;
  email: string;
  joined: string;
  /** Only in XML: the session's format flag [C]. */
  xml?: boolean;
  project_name: string;
}

/** `PUT /session`: the login's answer; the session itself rides on a cookie [I]. */
export interface IntellimeterLoginJson {
  uuid: number;
}

/** `GET /user`: each user of the site, without project [C]. */
export type IntellimeterUserJson = Pick<IntellimeterAccountJson, 'uuid' | 'username' | 'email' | 'joined'>;

/** `GET`/`POST /key`. */
export interface IntellimeterKeyJson {
  key: string;
}

/** `GET`/`POST /point` [C]. No field names the utility's metering point: the kit's mapping does (CONTRACT.md). */
export interface IntellimeterPointJson {
  id: number;
  /** The point's name, unique on the site. */
  MeterId: string;
  ModbusId: number;
  Port: string;
  NoPhases: string;
  MeterType: string;
  ModbusMap: string;
  /** Minutes between saved registers. */
  SaveEvery: number;
  startAddress: number;
}

/** One row of `/data`, `/interval` or `/file`: a point's value (kWh) at a site-local time. */
export interface IntellimeterReadingJson {
  /** The point's name (`MeterId`). */
  MeterParam: string;
  TimeStamping: string;
  value: number;
}
