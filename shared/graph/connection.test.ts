import { describe, expect, it } from 'vitest';
import { collectPages, connectionOf, encodeCursor, offsetAfter, pagesFor, toConnection } from './connection.js';

describe('Relay connections over page/page_size APIs', () => {
  it('round-trips cursors and refuses foreign ones with BAD_USER_INPUT', () => {
    expect(offsetAfter(undefined)).toBe(0);
    expect(offsetAfter(encodeCursor(41))).toBe(42);
    expect(() => offsetAfter('bm90LWEtY3Vyc29y')).toThrowError(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
  });

  it('names the provider pages that hold [offset, offset + first] and where to start in them', () => {
    expect(pagesFor(0, 20, 100)).toEqual({ pages: [1], skip: 0 });
    expect(pagesFor(95, 10, 100)).toEqual({ pages: [1, 2], skip: 95 });
    expect(pagesFor(100, 99, 100)).toEqual({ pages: [2], skip: 0 });
    expect(pagesFor(100, 100, 100)).toEqual({ pages: [2, 3], skip: 0 });
  });

  it('collects across pages, stops at a short page, and keeps one extra item to tell hasNextPage', async () => {
    const all = Array.from({ length: 7 }, (_, index) => index);
    const asked: number[] = [];
    const fetchPage = async (page: number, size: number) => {
      asked.push(page);
      return all.slice((page - 1) * size, page * size);
    };
    expect(await collectPages(2, 3, 3, fetchPage)).toEqual([2, 3, 4, 5]);
    expect(asked).toEqual([1, 2]);
    asked.length = 0;
    expect(await collectPages(5, 10, 3, fetchPage)).toEqual([5, 6]);
    expect(asked).toEqual([2, 3]);
  });

  it('builds nodes, edges with cursors and pageInfo', () => {
    const connection = toConnection(['a', 'b', 'c'], 10, 2, 13);
    expect(connection.nodes).toEqual(['a', 'b']);
    expect(connection.edges.map((edge) => offsetAfter(edge.cursor) - 1)).toEqual([10, 11]);
    expect(connection.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor(11) });
    expect(connection.totalCount).toBe(13);
    expect(toConnection([], 0, 5).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });

  it('pages a list held in memory, page after page to its end', () => {
    const all = ['a', 'b', 'c', 'd', 'e'];
    const first = connectionOf(all, { first: 2 });
    expect(first.nodes).toEqual(['a', 'b']);
    const second = connectionOf(all, { first: 2, after: first.pageInfo.endCursor });
    expect(second.nodes).toEqual(['c', 'd']);
    const last = connectionOf(all, { first: 2, after: second.pageInfo.endCursor });
    expect(last).toMatchObject({ nodes: ['e'], totalCount: 5, pageInfo: { hasNextPage: false } });
  });
});
