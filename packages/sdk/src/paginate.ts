/** One page of a list: `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Where a list starts and how big its pages are; every list method takes these. */
export interface PageOptions {
  /** A `nextCursor` from an earlier page: the list starts after it. */
  cursor?: string | undefined;
  /** Items per page, 1–100 for every list (the feeds and search too); the server's default is 20. */
  limit?: number | undefined;
}

/** Fetches the page that starts after `cursor` (the first page when undefined). */
export type PageFetcher<T> = (cursor: string | undefined) => Promise<Page<T>>;

/**
 * A list of any length, fetched a page at a time. `await` it for the first page; `for await` it
 * for every item across pages; `.pages()` for every page. Nothing is fetched until one of those
 * asks; the first page is fetched once and shared by all of them.
 *
 * @example
 * ```ts
 * const { items, nextCursor } = await client.posts.byUser({ username: 'ada' })
 * for await (const post of client.posts.byUser({ username: 'ada' })) console.log(post.caption)
 * ```
 */
export interface Paginator<T> extends PromiseLike<Page<T>>, AsyncIterable<T> {
  /**
   * Every page in order, the first included. A page may hold fewer items than the limit (even
   * none: the server drops what the viewer may not see) and still have a next one.
   *
   * @example
   * ```ts
   * for await (const page of client.comments.list(postId).pages()) render(page.items)
   * ```
   */
  pages(): AsyncIterableIterator<Page<T>>;
  /**
   * Every item, across pages, into one array; stops after `max` items when given.
   *
   * @example
   * ```ts
   * const followers = await client.graph.followers({ username: 'ada' }).toArray({ max: 500 })
   * ```
   */
  toArray(options?: { max?: number | undefined }): Promise<T[]>;
  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Page<T> | R>;
  finally(onFinally?: (() => void) | null): Promise<Page<T>>;
}

/**
 * A cursor that comes back unchanged would make the walk loop forever (a misbehaving proxy or
 * server); say so instead.
 */
export class PaginationLoopError extends Error {
  override name = 'PaginationLoopError';
}

/**
 * Builds a {@link Paginator} from a function that fetches one page. Pages are fetched one after
 * another, only as the caller walks on; breaking out of a `for await` fetches nothing more.
 */
export function paginate<T>(fetchPage: PageFetcher<T>, start?: string): Paginator<T> {
  let first: Promise<Page<T>> | undefined;
  const firstPage = () => (first ??= fetchPage(start));

  async function* pages(): AsyncGenerator<Page<T>, void, undefined> {
    let page = await firstPage();
    let cursor = start;
    for (;;) {
      yield page;
      const next = page.nextCursor;
      if (next === null) return;
      if (next === cursor) throw new PaginationLoopError(`The server answered cursor ${next} with itself.`);
      cursor = next;
      page = await fetchPage(next);
    }
  }

  async function* items(): AsyncGenerator<T, void, undefined> {
    for await (const page of pages()) yield* page.items;
  }

  return {
    then: (onFulfilled, onRejected) => firstPage().then(onFulfilled, onRejected),
    catch: (onRejected) => firstPage().catch(onRejected),
    finally: (onFinally) => firstPage().finally(onFinally),
    pages,
    [Symbol.asyncIterator]: items,
    async toArray(options = {}) {
      const max = options.max ?? Infinity;
      const out: T[] = [];
      if (max <= 0) return out;
      for await (const item of items()) {
        out.push(item);
        if (out.length >= max) break;
      }
      return out;
    },
  };
}

/** The `{ cursor, limit }` fields of a list input, without undefined ones. */
export function pageInput(options: PageOptions, cursor: string | undefined): { cursor?: string; limit?: number } {
  return {
    ...(cursor === undefined ? {} : { cursor }),
    ...(options.limit === undefined ? {} : { limit: options.limit }),
  };
}
