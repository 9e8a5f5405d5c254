import type { Viewer } from '../modules/accounts/types.js';

/**
 * What every procedure knows about its request. Kept deliberately small (and free of services)
 * so the router type the SDK bundles does not drag server internals into its declarations.
 */
export interface RequestContext {
  viewer: Viewer | null;
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}
