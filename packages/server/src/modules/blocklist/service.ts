import type { Viewer } from '../accounts/types.js';
import type { Blocklist } from './entries.js';
import type { AddFromMediaInput, ListInput } from './schemas.js';
import type { BlocklistAddResult, BlocklistEntryView, BlocklistRefusalView } from './types.js';

export interface BlocklistServiceDeps {
  blocklist: Blocklist;
}

/**
 * The `blocklist.*` procedures: the blocklist (entries.ts) for the instance's moderators and admins
 * (the router gives them to `moderatorProcedure` only, which reads the caller's role at each call).
 */
export class BlocklistService {
  constructor(private readonly deps: BlocklistServiceDeps) {}

  add(moderator: Viewer, input: AddFromMediaInput): Promise<BlocklistAddResult> {
    return this.deps.blocklist.addFromMedia(input.mediaId, { reason: input.reason, addedById: moderator.userId });
  }

  async remove(hash: string): Promise<{ removed: boolean }> {
    return { removed: await this.deps.blocklist.remove(hash) };
  }

  list(input: ListInput): Promise<BlocklistEntryView[]> {
    return this.deps.blocklist.list(input?.limit);
  }

  refusals(input: ListInput): Promise<BlocklistRefusalView[]> {
    return this.deps.blocklist.refusals(input?.limit);
  }
}
