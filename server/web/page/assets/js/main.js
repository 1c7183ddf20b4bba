// The page's entry: asks for a token once, then renders the view the URL hash names. Each view
// module exports `title` and `render(context)`; a render that is overtaken by a newer one
// (the user moved on) is dropped.
import { ApiError, getJson } from './api.js';
import { destroyCharts } from './charts.js';
import { errorBox, h } from './dom.js';
import { currentRoute, navigate, replaceRoute } from './router.js';
import { askForToken, forgetToken, loadToken } from './token.js';
import * as serviceCentre from './views/service_centre.js';
import * as team from './views/team.js';
import * as responseTimes from './views/response_times.js';
import * as volume from './views/volume.js';
import * as satisfaction from './views/satisfaction.js';
import * as ticket from './views/ticket.js';

const kViews = {
  'service-centre': serviceCentre,
  team,
  'response-times': responseTimes,
  volume,
  satisfaction,
  ticket,
};
const kDefaultView = 'service-centre';

const root = document.getElementById('view');
const status = document.getElementById('status');
const signOut = document.getElementById('sign-out');
let token = '';
let generation = 0;  // increases with every render; older renders stop touching the page
let loaded = false;  // the first render after the page loaded leaves the focus at the top

async function signIn(notice = '') {
  generation += 1;  // drop renders in flight
  signOut.hidden = true;
  destroyCharts();
  document.title = 'Sign in · ticketledger';
  markNav('');
  token = await askForToken(root, notice);
  signOut.hidden = false;
  render();
}

function markNav(view) {
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function render() {
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
  const content = h('div', { class: 'view-body' });
  const context = {
    arg: route.arg,
    params: route.params,
    current: () => mine === generation,
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
  status.textContent = `Loading ${view.title.toLowerCase()}…`;
  root.setAttribute('aria-busy', 'true');
  try {
    await view.render(context, content);
    if (mine !== generation) return;
    destroyCharts();  // the old view's, now that the new one replaces it
    root.replaceChildren(content);
    for (const figure of content.querySelectorAll('figure.chart')) figure.draw();
    status.textContent = '';
  } catch (e) {
    if (mine !== generation || !token) return;
    const text = e instanceof ApiError ? e.describe() : String(e && e.stack ? e.stack : e);
    destroyCharts();
    root.replaceChildren(h('h1', { tabindex: '-1' }, view.title),
                         errorBox(`Could not show this view: ${text}`));
    status.textContent = '';
  } finally {
    if (mine === generation) root.removeAttribute('aria-busy');
  }
  // A filter change keeps the focus on its control (found again by id); otherwise the heading
  // takes it, so that a keyboard or screen reader user starts at the new content.
  if (mine === generation) {
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

window.addEventListener('hashchange', render);

token = loadToken();
if (token) {
  signOut.hidden = false;
  render();
} else {
  signIn();
}
