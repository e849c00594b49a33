import { DateTime } from 'luxon';
import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { BadUserInputError, NotFoundError, UpstreamRejectedError, orNotFound } from '../../shared/graph/errors.js';
import { RequiresRole } from '../../shared/graph/role-directive.js';
import { type Connection, ConnectionArgs, Deletion, MeteringPoint, connectionOf } from '../../shared/graph/index.js';
import { ReadingRange, TimeSeries, type TimeSeriesReader, type TimeSeriesResult } from '../../shared/time/index.js';
import type { IntellimeterClient, IntellimeterPointRecord, PointSelector } from './client.js';
import {
  type ChartType,
  INTELLIMETER_CHART_DEFAULT_UNITS,
  INTELLIMETER_CHART_PIXELS,
  INTELLIMETER_CHART_PIXELS_PER_UNIT,
  INTELLIMETER_MAX_EXPORT_DAYS,
  INTELLIMETER_SAVE_EVERY_MS,
} from './contract.js';
import type { IntellimeterLoaders } from './loaders.js';
import {
  CreateIntellimeterUserInput,
  IntellimeterAccount,
  IntellimeterApiKeyInfo,
  IntellimeterChart,
  IntellimeterChartType,
  IntellimeterFileType,
  IntellimeterHistoryFile,
  IntellimeterIntervalReading,
  IntellimeterKeyRotation,
  IntellimeterLogout,
  IntellimeterPoint,
  IntellimeterPointConnection,
  IntellimeterRegisterReading,
  IntellimeterRegisterReset,
  IntellimeterUser,
  IntellimeterUserConnection,
  UpdateIntellimeterAccountInput,
} from './schema.js';
import type { Store } from '../../shared/store/index.js';
import { mappedMetersFound, type MeteringPointLookup } from '../../shared/subgraph/metering-point-mapping.js';
import { IDEMPOTENCY_KEY_ARG, idempotent } from '../../shared/connector/idempotency.js';

export interface IntellimeterContext {
  client: IntellimeterClient;
  /** Shared between replicas: idempotency records (shared/connector/idempotency.ts). */
  store: Store;
  loaders: IntellimeterLoaders;
  /** The time-series pipeline over readings.ts, for this request. */
  readings: TimeSeriesReader<string>;
  /** Which metering point each point measures (Intellimeter records none), for this request. */
  meteringPoints: MeteringPointLookup;
}

const PROVIDER = 'INTELLIMETER' as const;
const { min: MIN_CHART_PIXELS, max: MAX_CHART_PIXELS } = INTELLIMETER_CHART_PIXELS;
const POINT_ID_ARG = { nullable: true, description: 'Intellimeter’s numeric id of the point; wins over `name` when both are given.' };
const POINT_NAME_ARG = { nullable: true, description: 'The point’s name (MeterId); used when no `id` is given.' };

/** `id` wins over `name`, as in Intellimeter's own /point; neither is BAD_USER_INPUT. */
/** Intellimeter documents no limit; a point name longer than this is a mistake, not a name. */
const MAX_POINT_NAME_LENGTH = 100;

function pointSelector(id: string | null | undefined, name: string | null | undefined): PointSelector {
  if (id !== null && id !== undefined) {
    const trimmed = id.trim();
    if (!/^\d+$/.test(trimmed)) {
      throw new BadUserInputError(`"${id}" is not an Intellimeter point id (a whole number).`, { provider: PROVIDER, field: 'id' });
    }
    return { id: Number(trimmed) };
  }
  const trimmedName = name?.trim();
  if (trimmedName && trimmedName.length > MAX_POINT_NAME_LENGTH) {
    throw new BadUserInputError(`A point name has at most ${MAX_POINT_NAME_LENGTH} characters.`, { provider: PROVIDER, field: 'name' });
  }
  if (trimmedName) return { name: trimmedName };
  throw new BadUserInputError('Name the Intellimeter point by `id` or by `name`.', { provider: PROVIDER, field: 'id' });
}

/** A `YYYY-MM-DD` calendar day, as Intellimeter's /file takes it; anything else is BAD_USER_INPUT. */
function siteDay(value: string, field: string): string {
  const trimmed = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(trimmed) || !DateTime.fromISO(trimmed).isValid) {
    throw new BadUserInputError(`${field} must be a day as YYYY-MM-DD, got "${value}".`, { provider: PROVIDER, field });
  }
  return trimmed;
}

function describe(selector: PointSelector): string {
  return 'id' in selector ? `id ${selector.id}` : `name "${selector.name}"`;
}

/** A 409 from Intellimeter (a taken name) with a message that says what to change. */
async function onConflict<T>(promise: Promise<T>, message: string, field: string): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof UpstreamRejectedError && error.extensions.upstreamStatus === 409) {
      throw new UpstreamRejectedError(message, { provider: PROVIDER, upstreamStatus: 409, field });
    }
    throw error;
  }
}

function loadPoint(loaders: IntellimeterLoaders, selector: PointSelector): Promise<IntellimeterPointRecord> {
  const load = 'id' in selector ? loaders.pointById.load(selector.id) : loaders.pointByName.load(selector.name);
  return orNotFound(load, `No Intellimeter point has ${describe(selector)}.`);
}

/** A point by its id (the metering-point mapping's meter id), or NOT_FOUND; a non-number is BAD_USER_INPUT, uncalled. */
export function findIntellimeterPoint(loaders: IntellimeterLoaders, id: string): Promise<IntellimeterPointRecord> {
  return loadPoint(loaders, pointSelector(id, null));
}

function chartSize(value: number, field: string): number {
  if (!Number.isInteger(value) || value < MIN_CHART_PIXELS || value > MAX_CHART_PIXELS) {
    throw new BadUserInputError(
      `${field} must be a whole number of pixels from ${MIN_CHART_PIXELS} to ${MAX_CHART_PIXELS}, got ${value}.`,
      {
        provider: PROVIDER,
        field,
      },
    );
  }
  return value;
}

async function drawChart(
  client: IntellimeterClient,
  options: { type: ChartType; meter?: string; width: number; height: number },
): Promise<IntellimeterChart> {
  const width = chartSize(options.width, 'width');
  const height = chartSize(options.height, 'height');
  const png = await client.chart({ ...options, width, height });
  return Object.assign(new IntellimeterChart(), {
    mimeType: 'image/png',
    dataUrl: `data:image/png;base64,${png.toString('base64')}`,
    width: png.length >= 24 ? png.readUInt32BE(16) : width,
    height: png.length >= 24 ? png.readUInt32BE(20) : height,
    byteLength: png.length,
  });
}

/** Intellimeter's default size, in pixels. */
const DEFAULT_CHART_WIDTH = INTELLIMETER_CHART_DEFAULT_UNITS.width * INTELLIMETER_CHART_PIXELS_PER_UNIT;
const DEFAULT_CHART_HEIGHT = INTELLIMETER_CHART_DEFAULT_UNITS.height * INTELLIMETER_CHART_PIXELS_PER_UNIT;
const WIDTH_ARG = {
  defaultValue: DEFAULT_CHART_WIDTH,
  description: `Width of the image in pixels, ${MIN_CHART_PIXELS} to ${MAX_CHART_PIXELS}. Default ${DEFAULT_CHART_WIDTH}.`,
};
const HEIGHT_ARG = {
  defaultValue: DEFAULT_CHART_HEIGHT,
  description: `Height of the image in pixels, ${MIN_CHART_PIXELS} to ${MAX_CHART_PIXELS}. Default ${DEFAULT_CHART_HEIGHT}.`,
};

@Resolver()
export class IntellimeterQueryResolver {
  @Query(() => IntellimeterAccount, { nullable: true, description: 'The Intellimeter API account this server is logged in as.' })
  async intellimeterAccount(@Ctx() { client }: IntellimeterContext): Promise<IntellimeterAccount> {
    return IntellimeterAccount.fromRecord(await client.account());
  }

  @Query(() => IntellimeterApiKeyInfo, {
    nullable: true,
    description:
      'The API key of the account this server is logged in as (Intellimeter’s GET /key), told by its fingerprint: the key itself is a credential and never leaves this server. Needs the admin role.',
  })
  async intellimeterApiKey(@Ctx() { client }: IntellimeterContext): Promise<IntellimeterApiKeyInfo> {
    return Object.assign(new IntellimeterApiKeyInfo(), { ...(await client.apiKeyInfo()), checkedAt: new Date() });
  }

  @Query(() => IntellimeterHistoryFile, {
    nullable: true,
    description: `A history file exactly as Intellimeter exports it (its /file): the registers of one point or all, every five minutes, for the site days \`from\` to \`to\` (either order, both included, at most ${INTELLIMETER_MAX_EXPORT_DAYS} days). For energy per interval, ask a point's \`consumption\`.`,
  })
  async intellimeterHistoryFile(
    @Arg('from', () => String, { description: 'A site day, YYYY-MM-DD.' }) from: string,
    @Arg('to', () => String, { description: 'Another site day, YYYY-MM-DD (may be before `from`).' }) to: string,
    @Arg('type', () => IntellimeterFileType, { defaultValue: IntellimeterFileType.CSV, description: 'The file’s format. Default CSV.' })
    type: IntellimeterFileType,
    @Arg('pointName', () => String, { nullable: true, description: 'Only this point (its name); omit for every point.' })
    pointName: string | null | undefined,
    @Ctx() { client }: IntellimeterContext,
  ): Promise<IntellimeterHistoryFile> {
    const [firstDay, lastDay] = [siteDay(from, 'from'), siteDay(to, 'to')].sort();
    const days = Math.round(DateTime.fromISO(lastDay!).diff(DateTime.fromISO(firstDay!), 'days').days) + 1;
    if (days > INTELLIMETER_MAX_EXPORT_DAYS) {
      throw new BadUserInputError(
        `A history file covers at most ${INTELLIMETER_MAX_EXPORT_DAYS} days; ${firstDay} to ${lastDay} is ${days}.`,
        {
          provider: PROVIDER,
          field: 'to',
        },
      );
    }
    const meter = pointName?.trim() || undefined;
    // An omitted argument is undefined, an explicit one null: both mean every point.
    if (pointName !== null && pointName !== undefined && (!meter || meter.length > MAX_POINT_NAME_LENGTH)) {
      throw new BadUserInputError(`pointName must have 1 to ${MAX_POINT_NAME_LENGTH} characters; omit it for every point.`, {
        provider: PROVIDER,
        field: 'pointName',
      });
    }
    const file = await orNotFound(client.historyFile(firstDay!, lastDay!, type, meter), `No Intellimeter point is named "${meter}".`);
    return Object.assign(new IntellimeterHistoryFile(), {
      type,
      mimeType: file.mimeType,
      fileName: `history_${firstDay}_${lastDay}.${type}`,
      firstDay,
      lastDay,
      pointName: meter ?? null,
      content: file.content,
      byteLength: Buffer.byteLength(file.content),
    });
  }

  @Query(() => IntellimeterUserConnection, {
    nullable: true,
    description: 'The users of the API account’s project (site), as Intellimeter lists them.',
  })
  async intellimeterUsers(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { client }: IntellimeterContext,
  ): Promise<Connection<IntellimeterUser>> {
    return connectionOf((await client.users()).map(IntellimeterUser.fromRecord), args);
  }

  @Query(() => IntellimeterPointConnection, {
    nullable: true,
    description: 'Every metering point of the site, in the order Intellimeter reports them.',
  })
  async intellimeterPoints(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { loaders }: IntellimeterContext,
  ): Promise<Connection<IntellimeterPoint>> {
    return connectionOf((await loaders.allPoints()).map(IntellimeterPoint.fromRecord), args);
  }

  @Query(() => IntellimeterPoint, {
    nullable: true,
    description: 'One metering point by id or by name (id wins when both are given); a NOT_FOUND error when there is none.',
  })
  async intellimeterPoint(
    @Arg('id', () => ID, POINT_ID_ARG) id: string | null,
    @Arg('name', () => String, POINT_NAME_ARG) name: string | null,
    @Ctx() { loaders }: IntellimeterContext,
  ): Promise<IntellimeterPoint> {
    return IntellimeterPoint.fromRecord(await loadPoint(loaders, pointSelector(id, name)));
  }
}

@Resolver()
export class IntellimeterMutationResolver {
  @RequiresRole('write')
  @Mutation(() => IntellimeterPoint, {
    nullable: true,
    description:
      'Renames a metering point (chosen by id, or by name when no id is given). The new name must not be in use on the site. ' +
      'Intellimeter notes that the pre-installed DataDefault system and CSV Generator keep the old name.',
  })
  async renameIntellimeterPoint(
    @Arg('id', () => ID, POINT_ID_ARG) id: string | null,
    @Arg('name', () => String, POINT_NAME_ARG) name: string | null,
    @Arg('newName', () => String, { description: 'The name the point should have from now on.' }) newName: string,
    @Ctx() { client }: IntellimeterContext,
  ): Promise<IntellimeterPoint> {
    const selector = pointSelector(id, name);
    const wanted = newName.trim();
    if (!wanted || wanted.length > MAX_POINT_NAME_LENGTH) {
      throw new BadUserInputError(`newName must have 1 to ${MAX_POINT_NAME_LENGTH} characters.`, { provider: PROVIDER, field: 'newName' });
    }
    const record = await onConflict(
      orNotFound(client.renamePoint(selector, wanted), `No Intellimeter point has ${describe(selector)}.`),
      `Another Intellimeter point is already named "${wanted}"; choose a name no point uses.`,
      'newName',
    );
    return IntellimeterPoint.fromRecord(record);
  }

  @RequiresRole('admin')
  @Mutation(() => IntellimeterKeyRotation, {
    nullable: true,
    description:
      'Generates a new API key for the account. The old key stops working at once; every replica of this server logs in with the new one from now on, also after a restart (it is kept in the store). The key itself is never returned.',
  })
  async rotateIntellimeterApiKey(@Ctx() { client }: IntellimeterContext): Promise<IntellimeterKeyRotation> {
    const rotation = await client.rotateKey();
    return Object.assign(new IntellimeterKeyRotation(), { ...rotation, rotatedAt: new Date() });
  }

  @RequiresRole('admin')
  @Mutation(() => IntellimeterLogout, {
    nullable: true,
    description:
      'Ends this server’s Intellimeter session (DELETE /session), e.g. after changing the account’s password; the next call logs in again with the configured credentials. Needs the admin role.',
  })
  async logoutIntellimeterSession(@Ctx() { client }: IntellimeterContext): Promise<IntellimeterLogout> {
    await client.logout();
    return Object.assign(new IntellimeterLogout(), { loggedOutAt: new Date() });
  }

  @RequiresRole('admin')
  @Mutation(() => IntellimeterUser, {
    nullable: true,
    description: 'Creates a user in the API account’s project. The username must be unique.',
  })
  async createIntellimeterUser(
    @Arg('input', () => CreateIntellimeterUserInput, { description: 'The user to create.' }) input: CreateIntellimeterUserInput,
    @Arg('idempotencyKey', () => String, IDEMPOTENCY_KEY_ARG) idempotencyKey: string | null,
    @Ctx() { client, store }: IntellimeterContext,
  ): Promise<IntellimeterUser> {
    const username = input.username.trim();
    const email = input.email.trim();
    const record = await idempotent({
      store,
      provider: 'INTELLIMETER',
      operation: 'createIntellimeterUser',
      key: idempotencyKey,
      // Not the password: no trace of it, not even a hash, goes into the shared store.
      payload: { username, email },
      perform: () =>
        onConflict(
          client.createUser({ username, password: input.password, email }),
          `The Intellimeter username "${username}" is taken; choose another.`,
          'username',
        ),
      // Usernames are unique: the user with this one is the one the lost attempt created.
      reconcile: async () => (await client.users()).find((user) => user.username === username),
    });
    // A result replayed from the store has been through JSON: its date is a string again.
    return IntellimeterUser.fromRecord({ ...record, joined: new Date(record.joined) });
  }

  @RequiresRole('admin')
  @Mutation(() => IntellimeterAccount, {
    nullable: true,
    description: 'Changes the API account’s username, password or email; returns the account as stored.',
  })
  async updateIntellimeterAccount(
    @Arg('input', () => UpdateIntellimeterAccountInput, { description: 'The fields to change; omitted fields keep their values.' })
    input: UpdateIntellimeterAccountInput,
    @Ctx() { client }: IntellimeterContext,
  ): Promise<IntellimeterAccount> {
    const username = input.username?.trim();
    const record = await onConflict(
      client.updateAccount({ username, password: input.password ?? undefined, email: input.email?.trim() }),
      `The Intellimeter username "${username}" is taken; choose another.`,
      'username',
    );
    return IntellimeterAccount.fromRecord(record);
  }

  @RequiresRole('admin')
  @Mutation(() => Deletion, {
    nullable: true,
    description:
      'Deletes the API account this server is logged in as (Intellimeter’s DELETE /user). This cannot be undone, and ' +
      'afterwards this server can no longer log in to Intellimeter. Pass the account’s username to confirm.',
  })
  async deleteIntellimeterAccount(
    @Arg('confirmUsername', () => String, { description: 'The username of the account being deleted, as a confirmation.' })
    confirmUsername: string,
    @Ctx() { client }: IntellimeterContext,
  ): Promise<Deletion> {
    const account = await client.account();
    if (confirmUsername.trim() !== account.username) {
      throw new BadUserInputError(
        `confirmUsername must be the username of the logged-in account ("${account.username}"); nothing was deleted.`,
        { provider: PROVIDER, field: 'confirmUsername' },
      );
    }
    await client.deleteAccount();
    return { id: String(account.uuid), provider: PROVIDER, deleted: true };
  }
}

@Resolver(() => IntellimeterAccount)
export class IntellimeterAccountResolver {
  @FieldResolver(() => IntellimeterChart, {
    nullable: true,
    description: 'A chart of all metering points of the site, drawn by Intellimeter (last 24 hours).',
  })
  chart(
    @Arg('type', () => IntellimeterChartType, { defaultValue: IntellimeterChartType.PIE, description: 'The kind of chart. Default PIE.' })
    type: IntellimeterChartType,
    @Arg('width', () => Int, WIDTH_ARG) width: number,
    @Arg('height', () => Int, HEIGHT_ARG) height: number,
    @Ctx() { client }: IntellimeterContext,
  ): Promise<IntellimeterChart> {
    return drawChart(client, { type, width, height });
  }
}

@Resolver(() => IntellimeterPoint)
export class IntellimeterPointResolver {
  @FieldResolver(() => IntellimeterRegisterReading, {
    nullable: true,
    description: 'The latest cumulative register reading (Intellimeter’s /data, updated every 5 minutes); null if the point has none.',
  })
  async latestReading(
    @Root() point: IntellimeterPoint,
    @Ctx() { loaders }: IntellimeterContext,
  ): Promise<IntellimeterRegisterReading | null> {
    const reading = (await loaders.latestRegisters()).find((candidate) => candidate.meter === point.name);
    return reading ? Object.assign(new IntellimeterRegisterReading(), { at: reading.at, valueKwh: reading.value }) : null;
  }

  @FieldResolver(() => IntellimeterIntervalReading, {
    nullable: true,
    description: 'The energy of the latest five-minute interval (Intellimeter’s /interval); null if the point has none.',
  })
  async latestInterval(
    @Root() point: IntellimeterPoint,
    @Ctx() { loaders }: IntellimeterContext,
  ): Promise<IntellimeterIntervalReading | null> {
    const reading = (await loaders.latestIntervals()).find((candidate) => candidate.meter === point.name);
    if (!reading) return null;
    return Object.assign(new IntellimeterIntervalReading(), {
      start: new Date(reading.at.getTime() - INTELLIMETER_SAVE_EVERY_MS),
      end: reading.at,
      valueKwh: reading.value,
    });
  }

  @FieldResolver(() => TimeSeries, {
    nullable: true,
    description:
      'Energy this point consumed in the range, from the differences of its 5-minute cumulative registers (Intellimeter’s history file): ' +
      'FIVE_MINUTES or coarser, at most 90 days. An interval in which the register dropped (a reset) is ESTIMATED; ' +
      'intervals without both register readings are MISSING.',
  })
  async consumption(
    @Root() point: IntellimeterPoint,
    @Arg('range', () => ReadingRange, { description: 'The window, resolution, unit and time zone to report in.' }) range: ReadingRange,
    @Ctx() { readings }: IntellimeterContext,
  ): Promise<TimeSeriesResult> {
    return readings.series(point.name!, range);
  }

  @FieldResolver(() => [IntellimeterRegisterReset], {
    nullable: true,
    description: 'Drops of the cumulative register (meter replacements, resets, rollovers) within the range, oldest first.',
  })
  async registerResets(
    @Root() point: IntellimeterPoint,
    @Arg('range', () => ReadingRange, { description: 'The window to look in (resolution, unit and time zone only widen it).' })
    range: ReadingRange,
    @Ctx() { readings }: IntellimeterContext,
  ): Promise<IntellimeterRegisterReset[]> {
    return (await readings.registerResets(point.name!, range)).map(({ startMs, endMs, before, after }) =>
      Object.assign(new IntellimeterRegisterReset(), {
        start: new Date(startMs),
        end: new Date(endMs),
        beforeKwh: before,
        afterKwh: after,
      }),
    );
  }

  @FieldResolver(() => IntellimeterChart, {
    nullable: true,
    description:
      'A line chart of this point’s last 24 hours, drawn by Intellimeter (for one meter Intellimeter always draws a line chart).',
  })
  chart(
    @Root() point: IntellimeterPoint,
    @Arg('width', () => Int, WIDTH_ARG) width: number,
    @Arg('height', () => Int, HEIGHT_ARG) height: number,
    @Ctx() { client }: IntellimeterContext,
  ): Promise<IntellimeterChart> {
    return drawChart(client, { type: 'line', meter: point.name!, width, height });
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The national metering point id (EAN, …) of the grid connection this meter measures. Intellimeter records none: it comes from the metering-point mapping (METERING_POINT_MAPPING_FILE or setIntellimeterMeteringPoint, by this point’s id); null when unmapped.',
  })
  meterPointId(@Root() point: IntellimeterPoint, @Ctx() { meteringPoints }: IntellimeterContext): Promise<string | null> {
    return meteringPoints.meteringPointOf(point.id, null);
  }

  @FieldResolver(() => MeteringPoint, {
    nullable: true,
    description:
      'The grid connection this meter measures (by the metering-point mapping), joining what every provider knows about it; null when unmapped.',
  })
  async meteringPoint(@Root() point: IntellimeterPoint, @Ctx() { meteringPoints }: IntellimeterContext): Promise<MeteringPoint | null> {
    const id = await meteringPoints.meteringPointOf(point.id, null);
    return id ? new MeteringPoint(id) : null;
  }
}

@Resolver(() => MeteringPoint)
export class IntellimeterMeteringPointResolver {
  @FieldResolver(() => [IntellimeterPoint], {
    nullable: true,
    description:
      'Intellimeter points mapped to this metering point (the metering-point mapping: Intellimeter records none); empty when none, null with a coded error when Intellimeter is failing.',
  })
  async intellimeterPoints(
    @Root() meteringPoint: MeteringPoint,
    @Ctx() { loaders, meteringPoints }: IntellimeterContext,
  ): Promise<IntellimeterPoint[]> {
    const ids = (await meteringPoints.metersAt(meteringPoint.id)).filter((id) => /^\d+$/.test(id)).map(Number);
    return mappedMetersFound(await loaders.pointById.loadMany(ids)).map(IntellimeterPoint.fromRecord);
  }
}

/** How the gateway's entity references become objects; they go through the same loaders. */
export const intellimeterReferenceResolvers = {
  IntellimeterPoint: async ({ id }: { id?: unknown }, { loaders }: IntellimeterContext) =>
    IntellimeterPoint.fromRecord(await loadPoint(loaders, pointSelector(String(id), null))),
  IntellimeterUser: async ({ id }: { id?: unknown }, { client }: IntellimeterContext) => {
    const user = (await client.users()).find((candidate) => String(candidate.uuid) === String(id));
    if (!user) throw new NotFoundError(`No Intellimeter user has id ${String(id)}.`, { provider: PROVIDER });
    return IntellimeterUser.fromRecord(user);
  },
  IntellimeterAccount: async ({ id }: { id?: unknown }, { client }: IntellimeterContext) => {
    const account = await client.account();
    if (String(account.uuid) !== String(id)) {
      throw new NotFoundError(`Intellimeter account ${String(id)} is not the account this server is logged in as.`, { provider: PROVIDER });
    }
    return IntellimeterAccount.fromRecord(account);
  },
};
