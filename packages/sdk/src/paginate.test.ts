import { describe, expect, it } from 'vitest';
import { paginate, PaginationLoopError, type Page } from './paginate.js';

/**
 * A list of `total` numbers served `size` at a time, as the server does (the cursor is the last
 * item given), recording every cursor asked for. `hidden` items are dropped after the page
 * boundary is fixed, like the server's visibility filter, so a page may come back short or empty.
 */
function fakeList(total: number, size: number, hidden: (n: number) => boolean = () => false) {
  const asked: (string | undefined)[] = [];
  const fetchPage = async (cursor: string | undefined): Promise<Page<number>> => {
    asked.push(cursor);
    const from = cursor === undefined ? 0 : Number(cursor) + 1;
    const slice = Array.from({ length: Math.max(0, Math.min(size, total - from)) }, (_, i) => from + i);
    const last = slice.at(-1);
    const more = last !== undefined && last < total - 1;
    return { items: slice.filter((n) => !hidden(n)), nextCursor: more ? String(last) : null };
  };
  return { fetchPage, asked };
}

describe('paginate', () => {
  it('fetches nothing until asked, and awaiting gives the first page', async () => {
    const list = fakeList(45, 20);
    const paginator = paginate(list.fetchPage);
    expect(list.asked).toEqual([]);
    const page = await paginator;
    expect(page.items).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(page.nextCursor).toBe('19');
    expect(list.asked).toEqual([undefined]);
  });

  it('walks every item across pages with for await, in order, one fetch per page', async () => {
    const list = fakeList(45, 20);
    const seen: number[] = [];
    for await (const n of paginate(list.fetchPage)) seen.push(n);
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => i));
    expect(list.asked).toEqual([undefined, '19', '39']);
  });

  it('shares the first page between await and a later walk', async () => {
    const list = fakeList(30, 20);
    const paginator = paginate(list.fetchPage);
    await paginator;
    await paginator;
    expect(await paginator.toArray()).toHaveLength(30);
    expect(list.asked).toEqual([undefined, '19']);
  });

  it('keeps walking past short and empty pages that still have a next cursor', async () => {
    // Items 5–14 hidden: the second and third pages come back empty, yet the list goes on.
    const hidden = (n: number) => n >= 5 && n < 15;
    const list = fakeList(25, 5, hidden);
    const pages: Page<number>[] = [];
    for await (const page of paginate(list.fetchPage).pages()) pages.push(page);
    expect(pages.map((p) => p.items.length)).toEqual([5, 0, 0, 5, 5]);
    expect(pages.flatMap((p) => p.items)).toEqual([0, 1, 2, 3, 4, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
  });

  it('fetches no further page after a break', async () => {
    const list = fakeList(100, 10);
    for await (const n of paginate(list.fetchPage)) {
      if (n === 12) break;
    }
    expect(list.asked).toEqual([undefined, '9']);
  });

  it('starts after a given cursor', async () => {
    const list = fakeList(30, 10);
    expect(await paginate(list.fetchPage, '9').toArray()).toEqual(Array.from({ length: 20 }, (_, i) => i + 10));
    expect(list.asked[0]).toBe('9');
  });

  it('toArray stops at max without fetching more pages', async () => {
    const list = fakeList(100, 10);
    expect(await paginate(list.fetchPage).toArray({ max: 15 })).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(list.asked).toHaveLength(2);
    expect(await paginate(list.fetchPage).toArray({ max: 0 })).toEqual([]);
  });

  it('rejects await, catch and the walk with the page error', async () => {
    const boom = new Error('boom');
    const failing = paginate<number>(() => Promise.reject(boom));
    await expect(failing).rejects.toBe(boom);
    expect(await failing.catch((e: unknown) => e)).toBe(boom);
    let finallyRan = false;
    await expect(failing.finally(() => (finallyRan = true))).rejects.toBe(boom);
    expect(finallyRan).toBe(true);

    let calls = 0;
    const secondFails = paginate<number>(async (cursor) => {
      calls += 1;
      if (cursor !== undefined) throw boom;
      return { items: [1], nextCursor: 'a' };
    });
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const n of secondFails) seen.push(n);
      })(),
    ).rejects.toBe(boom);
    expect(seen).toEqual([1]);
    expect(calls).toBe(2);
  });

  it('stops with a PaginationLoopError when a cursor comes back unchanged', async () => {
    const stuck = paginate<number>(async () => ({ items: [1], nextCursor: 'same' }));
    const error = await stuck.toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaginationLoopError);
    expect((error as Error).name).toBe('PaginationLoopError');
  });
});
