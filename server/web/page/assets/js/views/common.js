// What several views share: the view heading, the filter bar, queue, service and category
// choices, the reporting period, lists read page by page.
import { h, selectField } from '../dom.js';
import * as format from '../format.js';

// The view's h1 (focusable, so that navigation can move the focus there) and its lede.
export function heading(title, ...lede) {
  const parts = [h('h1', { tabindex: '-1' }, title)];
  if (lede.length) parts.push(h('p', { class: 'lede' }, lede));
  return parts;
}

export function filterBar(...fields) {
  return h('div', { class: 'filters', role: 'group', 'aria-label': 'Filters' }, fields);
}

export async function loadQueues(context) {
  const { queues } = await context.api('/api/v1/queues');
  return queues;
}

export async function loadServices(context) {
  const { services } = await context.api('/api/v1/services');
  return services;
}

export function queueOptions(queues, allLabel) {
  const options = allLabel ? [{ value: '', label: allLabel }] : [];
  for (const q of queues) {
    options.push({ value: q.name, label: q.first_line ? `${q.name} (service centre)` : q.name });
  }
  return options;
}

// The period filter of the reports: "from" and "to" dates (UTC days; `to` inclusive on the
// page, so the API's half-open `to` is the next day).
export function periodParams(params) {
  const from = params.get('from') || '';
  const to = params.get('to') || '';
  const api = {};
  if (/^\d{4}-\d{2}-\d{2}$/.test(from)) api.from = `${from}T00:00:00Z`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(to)) {
    const next = new Date(Date.parse(`${to}T00:00:00Z`) + 86400000);
    api.to = next.toISOString().replace('.000Z', 'Z');
  }
  return { from, to, api };
}

export function periodFields(context, period, others) {
  const field = (id, label, value) => {
    const input = h('input', { id, name: id, type: 'date', value });
    input.addEventListener('change', () => context.go({ ...others(), ...{ from: period.from,
      to: period.to }, [id === 'period-from' ? 'from' : 'to']: input.value }));
    return h('div', { class: 'field' }, h('label', { for: id }, label), input);
  };
  return [field('period-from', 'Created from', period.from),
          field('period-to', 'Created up to', period.to)];
}

// "created at any time", "created from 2026-01-01 to 2026-03-31", ...
export function periodText(period) {
  if (period.from && period.to) return `created from ${period.from} to ${period.to}`;
  if (period.from) return `created from ${period.from}`;
  if (period.to) return `created up to ${period.to}`;
  return 'created at any time';
}

export function asOfNow(now) {
  return now ? ['Numbers as of ', format.timeElement(now), '.'] : [];
}

export { selectField };

// docs/api.md's ticket categories.
export const kCategories = ['support', 'order', 'termination', 'incident', 'change'];

// The category filter of the reports that take one (response times, volume): support unless
// chosen, or every category ("all").
export function reportCategory(params) {
  const category = params.get('category') || 'support';
  return category === 'all' || kCategories.includes(category) ? category : 'support';
}

// The categories as options of a select: "Support", "Order", ...
export function categoryOptions() {
  return kCategories.map((c) => ({ value: c, label: c[0].toUpperCase() + c.slice(1) }));
}

export function categoryField(value, onChange) {
  return selectField({
    id: 'category', label: 'Category', value,
    options: [...categoryOptions(), { value: 'all', label: 'All categories' }],
    onChange,
  });
}

// "support tickets", "incident tickets", "tickets of all categories".
export function categoryText(category) {
  return category === 'all' ? 'tickets of all categories' : `${category} tickets`;
}

// The page size of a paged list: the view's `limit` parameter (1 to 1000, docs/api.md caps
// there), else `fallback`.
export function pageSize(params, fallback) {
  const n = Number(params.get('limit'));
  return Number.isInteger(n) && n >= 1 && n <= 1000 ? n : fallback;
}

// A list read page by page with docs/api.md's `limit` and `after` (the answer's `next`, null
// on the last page). `items` holds every ticket loaded so far, in the API's order (by id).
export class PagedList {
  constructor(context, path, params, limit) {
    this.context = context;
    this.path = path;
    this.params = params;
    this.limit = limit;
    this.items = [];
    this.next = null;
    this.answer = null;  // the first page's answer (its `now`, ...)
  }

  get complete() {
    return this.next === null;
  }

  async first() {
    await this.load({});
    return this;
  }

  // The next page; the caller shows the list again.
  async more() {
    if (this.next !== null) await this.load({ after: this.next });
  }

  async load(extra) {
    const page = await this.context.api(this.path, { ...this.params, limit: this.limit,
                                                     ...extra });
    if (!this.answer) this.answer = page;
    this.items.push(...page.tickets);
    this.next = page.next === undefined ? null : page.next;
  }
}

// The "Load more" button of a paged list and what it says: how many are loaded. `redraw` shows
// the list again after a page came and returns what takes the focus once the last page is in
// (the button keeps it while there is more). Pages loaded by hand hold the auto-refresh.
export function moreControl(list, { what, id, redraw }) {
  const holder = h('div', { class: 'more' });
  const show = () => {
    const button = list.complete ? null
      : h('button', { type: 'button', id, class: 'more-button' }, `Load more ${what}`);
    holder.replaceChildren(
      h('p', { class: 'note' }, list.complete
        ? `All ${list.items.length} ${what} are loaded.`
        : `${list.items.length} ${what} loaded, ${list.limit} at a time; there are more.`),
      button);
    if (button) {
      button.addEventListener('click', async () => {
        button.disabled = true;
        list.context.holdRefresh();
        try {
          await list.more();
        } catch (e) {
          holder.append(h('p', { class: 'error', role: 'alert' },
                          `Could not load more: ${e.describe ? e.describe() : e}`));
          button.disabled = false;
          return;
        }
        if (!list.context.current()) return;
        const done = redraw();
        show();
        const again = document.getElementById(id);
        if (again) again.focus();
        else if (done) done.focus();
      });
    }
  };
  show();
  return holder;
}
