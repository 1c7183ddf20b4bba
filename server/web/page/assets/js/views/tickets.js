// 7. Ticket list: GET /api/v1/tickets with the API's filters (status, queue, service, owner,
// category), page by page (limit/after), and a search box: a number opens that ticket
// (GET /api/v1/tickets/{id}); a text narrows the loaded tickets to those whose requester or
// subject holds it. The server never indexes subjects (they become encrypted personal data),
// so that search runs here, over the tickets the filters loaded.
//
// The dashboard's cells open this list. Their week and 100-day window cannot be expressed in
// the API's filters, so `week` (ISO week of created_at), `created_after` (exclusive) and
// `created_until` (inclusive) filter the loaded tickets here, and then every page is loaded.
import { ApiError } from '../api.js';
import { dataTable, errorBox, h, ticketLink } from '../dom.js';
import * as format from '../format.js';
import { weekKey } from '../periods.js';
import { routeHash } from '../router.js';
import { categoryOptions, filterBar, heading, loadQueues, loadServices, moreControl, PagedList,
         pageSize, queueOptions, selectField } from './common.js';

export const title = 'Tickets';
const kDefaultStatus = 'new,open,stalled';
const kStatuses = [
  { value: kDefaultStatus, label: 'Open (new, open, stalled)' },
  { value: 'new', label: 'New' },
  { value: 'open', label: 'Open' },
  { value: 'stalled', label: 'Stalled' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'any', label: 'Any status' },
];
const kApiFilters = ['queue', 'service', 'owner', 'category'];
const kLocalFilters = ['week', 'created_after', 'created_until'];
const kMaxPages = 50;  // a drill-down loads every page, up to 50 000 tickets

// The route's filters: the API's, the ones applied here, the search text.
function filtersOf(params) {
  const f = { status: params.get('status') || kDefaultStatus, q: params.get('q') || '',
              limit: params.get('limit') || '' };
  for (const name of [...kApiFilters, ...kLocalFilters]) f[name] = params.get(name) || '';
  return f;
}

function apiParams(f) {
  const p = { status: f.status === 'any' ? '' : f.status };
  for (const name of kApiFilters) p[name] = f[name];
  return p;
}

// Whether a ticket passes the filters applied on the page (creation and search).
function matcher(f, text) {
  const after = f.created_after ? Date.parse(f.created_after) : NaN;
  const until = f.created_until ? Date.parse(f.created_until) : NaN;
  const needle = text.trim().toLowerCase();
  return (t) => {
    const created = Date.parse(t.created_at);
    if (f.week && weekKey(new Date(created)) !== f.week) return false;
    if (!Number.isNaN(after) && !(created > after)) return false;
    if (!Number.isNaN(until) && !(created <= until)) return false;
    if (!needle) return true;
    return (t.requester || '').toLowerCase().includes(needle) ||
           (t.subject || '').toLowerCase().includes(needle);
  };
}

// "open (new, open, stalled) support tickets in queue campus of service Eduroam, ...".
function describe(f) {
  const status = kStatuses.find((s) => s.value === f.status);
  const parts = [`${status ? status.label.toLowerCase() : f.status}`,
                 f.category ? `${f.category} tickets` : 'tickets'];
  if (f.queue) parts.push(`in queue ${f.queue}`);
  if (f.service) parts.push(`of service ${f.service}`);
  if (f.owner) parts.push(`owned by ${f.owner}`);
  const created = [f.week ? `in ${f.week}` : '',
                   f.created_after ? `after ${format.time(f.created_after)}` : '',
                   f.created_until ? `up to ${format.time(f.created_until)}` : '']
    .filter(Boolean);
  if (created.length) parts.push(`created ${created.join(', ')}`);
  return parts.join(' ');
}

function ticketTable(rows, f, text) {
  return dataTable({
    caption: `Tickets: ${describe(f)}${text.trim() ? `, requester or subject ` +
             `containing \u201c${text.trim()}\u201d` : ''}`,
    columns: [{ label: 'Ticket' }, { label: 'Status' }, { label: 'Queue' }, { label: 'Owner' },
              { label: 'Service' }, { label: 'Category' }, { label: 'Requester' },
              { label: 'Subject' }, { label: 'Created' }, { label: 'Last event' }],
    rows: rows.map((t) => ({
      header: ticketLink(t.id),
      cells: [t.status, t.queue, t.owner === null ? 'Unowned' : t.owner, t.service ?? 'Unclassified',
              t.category, format.personal(t.requester, t), format.personal(t.subject, t),
              format.timeElement(t.created_at), format.timeElement(t.updated_at)],
    })),
    empty: 'No ticket matches.',
  });
}

// The search box: a ticket number (with or without "#") opens that ticket once the form is
// sent; any other text narrows the list as it is typed.
function searchForm(context, f, onText) {
  const input = h('input', { id: 'search', name: 'q', type: 'search', value: f.q,
                             autocomplete: 'off', 'aria-describedby': 'search-help' });
  const message = h('div', { id: 'search-message' });
  const form = h('form', { class: 'search', role: 'search', 'aria-label': 'Tickets' },
    h('div', { class: 'field' },
      h('label', { for: 'search' }, 'Search'),
      h('div', { class: 'search-row' }, input, h('button', { type: 'submit' }, 'Search'))),
    h('p', { id: 'search-help', class: 'help' }, 'A ticket number opens that ticket; other ' +
      'text shows the listed tickets whose requester or subject contains it.'),
    message);
  input.addEventListener('input', () => {
    if (!/^#?\d+$/.test(input.value.trim())) onText(input.value);
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = input.value.trim();
    const number = /^#?(\d+)$/.exec(value);
    message.replaceChildren();
    if (!number) {
      onText(input.value);
      return;
    }
    const id = Number(number[1]);
    try {
      await context.api(`/api/v1/tickets/${id}`);
    } catch (e) {
      if (!context.current()) return;
      const why = e instanceof ApiError ? e.describe() : String(e);
      message.replaceChildren(errorBox(e instanceof ApiError && e.status === 404
        ? `There is no ticket #${id}.` : `Could not open ticket #${id}: ${why}`));
      return;
    }
    if (context.current()) location.hash = `#/ticket/${id}`;
  });
  return form;
}

export async function render(context, root) {
  const f = filtersOf(context.params);
  const local = kLocalFilters.some((name) => f[name]);
  const limit = local ? 1000 : pageSize(context.params, 100);
  const [queues, services, list] = await Promise.all([
    loadQueues(context),
    loadServices(context),
    new PagedList(context, '/api/v1/tickets', apiParams(f), limit).first(),
  ]);
  // A drill-down counts every ticket of its cell, so it reads every page.
  for (let pages = 1; local && !list.complete && pages < kMaxPages; pages += 1) {
    await list.more();
  }
  const owners = [...new Set(queues.flatMap((q) => q.members || []))].sort();
  const routed = (changes) => {
    const next = { ...f, ...changes };
    if (next.status === kDefaultStatus) next.status = '';
    return next;
  };
  const go = (changes) => context.go(routed(changes));
  let text = f.q;
  const tableHolder = h('div', { class: 'list-table' });
  const shown = h('p', { id: 'shown-count', class: 'note', role: 'status' });
  const redraw = () => {
    const rows = list.items.filter(matcher(f, text));
    tableHolder.replaceChildren(ticketTable(rows, f, text));
    shown.textContent = `${rows.length} of ${list.items.length} loaded tickets shown.`;
    return tableHolder.querySelector('.table-wrap');
  };
  redraw();
  const onText = (value) => {
    text = value;
    context.replace(routed({ q: value }));
    redraw();
  };
  const select = (name, label, options) => selectField({
    id: `list-${name}`, label, value: f[name], options, onChange: (value) => go({ [name]: value }),
  });

  const notice = local ? h('p', { class: 'notice', id: 'local-filter' },
      `Only tickets ${[f.week ? `created in ISO week ${f.week}` : '',
                       f.created_after ? `created after ${format.time(f.created_after)}` : '',
                       f.created_until ? `created up to ${format.time(f.created_until)}` : '']
        .filter(Boolean).join(', ')}. The API's list has no filter by creation time, so every ` +
      'page of the other filters is loaded and this is applied here. ',
      h('a', { href: routeHash('tickets', '', { ...f, status: f.status === kDefaultStatus ? ''
        : f.status, week: '', created_after: '', created_until: '' }) }, 'Show without it'),
      list.complete ? null : ` (only the first ${list.items.length} tickets were read)`)
    : null;
  root.append(
    ...heading(title, `The ${describe(f)}, in order of number.`),
    filterBar(
      select('status', 'Status', kStatuses),
      select('queue', 'Queue', queueOptions(queues, 'All queues')),
      select('service', 'Service', [{ value: '', label: 'All services' },
                                    ...services.map((s) => ({ value: s.name, label: s.name }))]),
      select('owner', 'Owner', [{ value: '', label: 'Any owner' },
                                ...owners.map((o) => ({ value: o, label: o }))]),
      select('category', 'Category', [{ value: '', label: 'All categories' },
                                      ...categoryOptions()])),
    searchForm(context, f, onText),
    ...(notice ? [notice] : []),
    shown,
    tableHolder);
  if (!local) root.append(moreControl(list, { what: 'tickets', id: 'more-tickets', redraw }));
}
