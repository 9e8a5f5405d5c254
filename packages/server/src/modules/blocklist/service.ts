import type { Db } from '../../db/connect.js';
import { AppError } from '../../errors/app-error.js';
import type { Viewer } from '../accounts/types.js';
import type { Blocklist } from './entries.js';
import type { AddFromMediaInput, ListInput } from './schemas.js';
import type { BlocklistAddResult, BlocklistEntryView, BlocklistRefusalView } from './types.js';

export interface BlocklistServiceDeps {
  db: Db;
  blocklist: Blocklist;
  /**
   * APERTURE_MEDIA_BLOCKLIST_ADMINS: the usernames that may use the `blocklist.*` procedures.
   * Accounts have no roles (moderator, admin) yet; this list is the whole access rule until they do.
   */
  admins: readonly string[];
}

/** The `blocklist.*` procedures: the blocklist (entries.ts) for the accounts allowed to manage it. */
export class BlocklistService {
  private readonly adminKeys: ReadonlySet<string>;

  constructor(private readonly deps: BlocklistServiceDeps) {
    this.adminKeys = new Set(deps.admins.map((name) => name.toLowerCase()));
  }

  async add(viewer: Viewer, input: AddFromMediaInput): Promise<BlocklistAddResult> {
    await this.assertMayManage(viewer);
    return this.deps.blocklist.addFromMedia(input.mediaId, { reason: input.reason, addedById: viewer.userId });
  }

  async remove(viewer: Viewer, hash: string): Promise<{ removed: boolean }> {
    await this.assertMayManage(viewer);
    return { removed: await this.deps.blocklist.remove(hash) };
  }

  async list(viewer: Viewer, input: ListInput): Promise<BlocklistEntryView[]> {
    await this.assertMayManage(viewer);
    return this.deps.blocklist.list(input?.limit);
  }

  async refusals(viewer: Viewer, input: ListInput): Promise<BlocklistRefusalView[]> {
    await this.assertMayManage(viewer);
    return this.deps.blocklist.refusals(input?.limit);
  }

  private async assertMayManage(viewer: Viewer): Promise<void> {
    if (this.adminKeys.size > 0) {
      const user = await this.deps.db.kysely
        .selectFrom('users')
        .select('username_key')
        .where('id', '=', viewer.userId)
        .executeTakeFirst();
      if (user && this.adminKeys.has(user.username_key)) return;
    }
    throw new AppError('FORBIDDEN', "Only this server's blocklist administrators may do this.");
  }
}
