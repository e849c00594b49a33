import { ArgsType, ClassType, Directive, Field, Int, ObjectType } from 'type-graphql';
import { Max, Min } from 'class-validator';
import { BadUserInputError } from './errors.js';

/**
 * Relay-style connections (DESIGN.md, "Conventions"): `first`/`after` in; `nodes`, `edges`, `pageInfo`
 * and `totalCount` out. Cursors are opaque offsets; a provider's own paging stays in its connector
 * (see `pagesFor` for page/page_size APIs).
 */
export const MAX_PAGE_SIZE = 100;

@ObjectType('PageInfo', { description: 'Where a page of a list sits in the whole list.' })
@Directive('@shareable')
export class PageInfo {
  @Field(() => Boolean, { description: 'True when more items follow this page; ask again with `after: endCursor`.' })
  hasNextPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item of this page; null for an empty page.' })
  endCursor: string | null;
}

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { defaultValue: 20, description: `How many items to return, 1 to ${MAX_PAGE_SIZE}.` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = 20;

  @Field(() => String, { nullable: true, description: 'Return the items after this cursor (a previous `endCursor`).' })
  after?: string | null;
}

export interface Connection<T> {
  nodes: T[];
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  totalCount: number | null;
}

/** Declares `<Name>Connection` and `<Name>Edge` for a node type. */
export function ConnectionType<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { description: `One ${name} in a list, with its cursor.` })
  class Edge {
    @Field(() => String, { description: 'Opaque cursor of this item; pass it as `after` to continue after it.' })
    cursor: string;

    @Field(() => nodeType, { description: `The ${name}.` })
    node: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} items.` })
  class ConnectionClass implements Connection<T> {
    @Field(() => [nodeType], { description: 'The items of this page, in order.' })
    nodes: T[];

    @Field(() => [Edge], { description: 'The items of this page with their cursors.' })
    edges: Edge[];

    @Field(() => PageInfo, { description: 'Whether more items follow, and the cursor to ask for them.' })
    pageInfo: PageInfo;

    @Field(() => Int, { nullable: true, description: 'How many items the whole list holds, when the provider tells; otherwise null.' })
    totalCount: number | null;
  }
  return ConnectionClass;
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`, 'utf8').toString('base64url');
}

/** The offset of the first item after `cursor` (0 without one). */
export function offsetAfter(cursor: string | null | undefined): number {
  if (cursor === undefined || cursor === null || cursor === '') return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match)
    throw new BadUserInputError(`"${cursor}" is not a cursor from this list; pass an endCursor you received.`, { field: 'after' });
  return Number(match[1]) + 1;
}

/** Builds a connection from the items starting at `offset`; `items` may hold one extra to show that more follow. */
export function toConnection<T>(items: T[], offset: number, first: number, totalCount: number | null = null): Connection<T> {
  const page = items.slice(0, first);
  const edges = page.map((node, index) => ({ cursor: encodeCursor(offset + index), node }));
  return {
    nodes: page,
    edges,
    pageInfo: { hasNextPage: items.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}

/** A page of a list held whole in memory (a provider that answers everything at once), with its total. */
export function connectionOf<T>(all: readonly T[], args: { first: number; after?: string | null }): Connection<T> {
  const offset = offsetAfter(args.after);
  return toConnection(all.slice(offset, offset + args.first + 1), offset, args.first, all.length);
}

/**
 * For a page/page_size API: the provider pages that hold items [offset, offset + first] (one extra, to
 * learn whether more follow), and where in their concatenation the wanted items start.
 */
export function pagesFor(offset: number, first: number, pageSize: number): { pages: number[]; skip: number } {
  const firstPage = Math.floor(offset / pageSize) + 1;
  const lastPage = Math.floor((offset + first) / pageSize) + 1;
  const pages = Array.from({ length: lastPage - firstPage + 1 }, (_, index) => firstPage + index);
  return { pages, skip: offset - (firstPage - 1) * pageSize };
}

/** Fetches the pages `pagesFor` names, in order, stopping at the first short page. */
export async function collectPages<T>(
  offset: number,
  first: number,
  pageSize: number,
  fetchPage: (page: number, pageSize: number) => Promise<T[]>,
): Promise<T[]> {
  const { pages, skip } = pagesFor(offset, first, pageSize);
  const items: T[] = [];
  for (const page of pages) {
    const batch = await fetchPage(page, pageSize);
    items.push(...batch);
    if (batch.length < pageSize) break;
  }
  return items.slice(skip, skip + first + 1);
}
