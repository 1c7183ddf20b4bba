// The page's entry: asks for a token once, then renders the view the URL hash names. Each view
// module exports `title` and `render(context)`; a render that is overtaken by a newer one
// (the user moved on) is dropped. Every render reads the browser's clock once (context.now),
// and the views are rendered again every 60 s while the tab is visible (docs/page.md).
import { ApiError, getJson } from './api.js';
import { destroyCharts } from './charts.js';
import { browserNow, clockTime } from './clock.js';
import { errorBox, h } from './dom.js';
import { currentRoute, navigate, replaceRoute } from './router.js';
import { askForToken, forgetToken, loadToken } from './token.js';
import * as serviceCentre from './views/service_centre.js';
import * as team from './views/team.js';
import * as tickets from './views/tickets.js';
import * as responseTimes from './views/response_times.js';
import * as volume from './views/volume.js';
import * as satisfaction from './views/satisfaction.js';
import * as ticket from './views/ticket.js';

const kViews = {
  'service-centre': serviceCentre,
  team,
  tickets,
  'response-times': responseTimes,
  volume,
  satisfaction,
  ticket,
};
const kDefaultView = 'service-centre';

const root = document.getElementById('view');
const status = document.getElementById('status');
const signOut = document.getElementById('sign-out');
const tools = document.getElementById('tools');
const asOfClock = document.getElementById('as-of-clock');
const autoRefresh = document.getElementById('auto-refresh');
const kRefreshMs = 60000;
const kRefreshKey = 'ticketledger.auto-refresh';
let token = '';
let generation = 0;  // increases with every render; older renders stop touching the page
let loaded = false;  // the first render after the page loaded leaves the focus at the top
let lastRender = 0;  // Date.now() of the latest render's start
let held = false;    // the view holds more than a refresh would show again (pages loaded by hand)

async function signIn(notice = '') {
  generation += 1;  // drop renders in flight
  tools.hidden = true;
  destroyCharts();
  document.title = 'Sign in · ticketledger';
  markNav('');
  token = await askForToken(root, notice);
  tools.hidden = false;
  render();
}

function markNav(view) {
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

// Renders the view the URL names. `quiet` (an automatic refresh): nothing is announced, the
// focus and the scroll position stay, and a failure is reported in the status line instead of
// replacing the view.
async function render({ quiet = false } = {}) {
  if (!token) return;
  const route = currentRoute();
  if (!kViews[route.view]) {
    navigate(kDefaultView, '', {});
    return;
  }
  const mine = ++generation;
  const view = kViews[route.view];
  markNav(route.view);
  document.title = `${view.title} · ticketledger`;
  const focused = root.contains(document.activeElement) ? document.activeElement.id : '';
  const scrolled = window.scrollY;
  const content = h('div', { class: 'view-body' });
  const now = browserNow();
  lastRender = Date.now();
  held = false;
  const context = {
    arg: route.arg,
    params: route.params,
    now,
    current: () => mine === generation,
    holdRefresh: () => { if (mine === generation) held = true; },
    api: async (path, params) => {
      try {
        return await getJson(token, path, params);
      } catch (e) {
        if (e instanceof ApiError && e.status === 401 && mine === generation) {
          forgetToken();
          token = '';
          signIn('The server no longer accepts the token (401). Sign in again.');
        }
        throw e;
      }
    },
    go: (params, arg = route.arg) => navigate(route.view, arg, params),
    replace: (params, arg = route.arg) => replaceRoute(route.view, arg, params),
  };
  if (!quiet) status.textContent = `Loading ${view.title.toLowerCase()}…`;
  root.setAttribute('aria-busy', 'true');
  try {
    await view.render(context, content);
    if (mine !== generation) return;
    destroyCharts();  // the old view's, now that the new one replaces it
    root.replaceChildren(content);
    for (const figure of content.querySelectorAll('figure.chart')) figure.draw();
    status.textContent = '';
    asOfClock.dateTime = now;
    asOfClock.textContent = `${clockTime(now)} UTC`;
  } catch (e) {
    if (mine !== generation || !token) return;
    const text = e instanceof ApiError ? e.describe() : String(e && e.stack ? e.stack : e);
    if (quiet) {
      status.textContent = `Could not refresh this view: ${text}`;
      root.removeAttribute('aria-busy');
      return;
    }
    destroyCharts();
    root.replaceChildren(h('h1', { tabindex: '-1' }, view.title),
                         errorBox(`Could not show this view: ${text}`));
    status.textContent = '';
  } finally {
    if (mine === generation) root.removeAttribute('aria-busy');
  }
  // A filter change keeps the focus on its control (found again by id); otherwise the heading
  // takes it, so that a keyboard or screen reader user starts at the new content.
  if (mine === generation && quiet) {
    const again = focused ? document.getElementById(focused) : null;
    if (again && root.contains(again)) again.focus({ preventScroll: true });
    window.scrollTo(window.scrollX, scrolled);
  } else if (mine === generation) {
    const again = focused ? document.getElementById(focused) : null;
    const target = again && root.contains(again) ? again : root.querySelector('h1');
    const atTop = !loaded && document.activeElement === document.body;
    if (target && !atTop) target.focus();
    loaded = true;
  }
}

signOut.addEventListener('click', () => {
  forgetToken();
  token = '';
  signIn();
});

document.querySelector('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();  // "#view" is not a route
  const heading = root.querySelector('h1');
  (heading || root).focus();
});

// Auto-refresh: every 60 s the view is read again, with a new `now`, unless the toggle is off,
// the tab is hidden (it catches up when shown), someone is typing in the view, or the view
// holds pages loaded by hand that a refresh would drop. The choice is kept for the tab.
function refreshDue() {
  if (!token || !autoRefresh.checked || document.hidden || held) return false;
  const view = kViews[currentRoute().view];
  if (!view || view.autoRefresh === false) return false;
  const typing = document.activeElement && root.contains(document.activeElement) &&
                 document.activeElement.matches('input:not([type]), input[type="text"], ' +
                                                'input[type="search"], textarea');
  return !typing && Date.now() - lastRender >= kRefreshMs;
}

function refreshIfDue() {
  if (refreshDue()) render({ quiet: true });
}

autoRefresh.checked = sessionStorage.getItem(kRefreshKey) !== 'off';
autoRefresh.addEventListener('change', () => {
  sessionStorage.setItem(kRefreshKey, autoRefresh.checked ? 'on' : 'off');
  refreshIfDue();
});
document.addEventListener('visibilitychange', refreshIfDue);
setInterval(refreshIfDue, 5000);  // a refresh comes 60 to 65 s after the latest render

window.addEventListener('hashchange', () => render());

token = loadToken();
if (token) {
  tools.hidden = false;
  render();
} else {
  signIn();
}
