// Views by URL hash: "#/<view>[/<arg>][?name=value&...]". The hash keeps each view's filters,
// so back/forward and bookmarks work; it never holds the token.

// The current route: {view, arg, params (URLSearchParams)}.
export function currentRoute() {
  const hash = location.hash.startsWith('#/') ? location.hash.slice(2) : '';
  const [path, query = ''] = hash.split('?');
  const [view = '', ...rest] = path.split('/');
  return { view: decodeURIComponent(view), arg: decodeURIComponent(rest.join('/')),
           params: new URLSearchParams(query) };
}

export function routeHash(view, arg = '', params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  }
  const text = query.toString();
  const path = arg ? `${view}/${encodeURIComponent(arg)}` : view;
  return `#/${path}${text ? `?${text}` : ''}`;
}

// Goes to a route (a hashchange follows, which renders it).
export function navigate(view, arg, params) {
  location.hash = routeHash(view, arg, params);
}

// Records a route in the address bar without rendering it again (a view that updated itself in
// place, e.g. the as-of slider, which must keep the keyboard focus).
export function replaceRoute(view, arg, params) {
  history.replaceState(null, '', routeHash(view, arg, params));
}
