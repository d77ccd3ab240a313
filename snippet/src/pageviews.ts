/**
 * Page views: one on load, then one per real route change in an SPA. Only the path counts (plus
 * the hash route with data-spa="hash"): replaceState to the same path, query-only changes and
 * (by default) hash changes are not page views.
 */
type Loc = { pathname: string; hash: string };

/** The route a page view is counted for; a query inside a hash route is ignored too. */
export const routeKey = (l: Loc, hash: boolean): string => l.pathname + (hash ? l.hash.split('?')[0] : '');

/** Call after the load page view; `page` is called on every later route change. */
export function watchRoutes(hash: boolean, page: () => void, listen: (type: string, f: () => void) => void): void {
  let last = routeKey(location, hash);
  // Counted a tick later: routers set document.title right after pushState, and the view's title is wanted.
  const check = () => last != (last = routeKey(location, hash)) && setTimeout(page);
  for (const m of ['pushState', 'replaceState'] as const) {
    const orig = history[m];
    history[m] = function (this: History, ...a: Parameters<History['pushState']>) {
      orig.apply(this, a);
      // Never let our bookkeeping break the site's router.
      try {
        check();
      } catch {
        /* ignored */
      }
    };
  }
  listen('popstate', check);
  if (hash) listen('hashchange', check);
}
