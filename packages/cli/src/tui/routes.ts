/** Where the app is; the app keeps a stack of them (enter pushes, esc pops). */
export type Route =
  | { kind: 'feed' }
  | { kind: 'post'; postId: string }
  | { kind: 'profile'; username: string }
  | { kind: 'hashtag'; tag: string }
  | { kind: 'search'; query: string }
  | { kind: 'notifications' }
  | { kind: 'requests' }
  | { kind: 'compose' }
  /** Moderators and admins only: the app opens it for no one else. */
  | { kind: 'moderation' };

/** A stable identity for a route, so that a screen keeps its state while it is in the stack. */
export function routeKey(route: Route): string {
  switch (route.kind) {
    case 'post':
      return `post:${route.postId}`;
    case 'profile':
      return `profile:${route.username}`;
    case 'hashtag':
      return `hashtag:${route.tag}`;
    case 'search':
      return `search:${route.query}`;
    default:
      return route.kind;
  }
}
