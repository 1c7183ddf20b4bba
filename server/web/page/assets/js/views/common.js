// What several views share: the view heading, the filter bar, queue and service choices, the
// reporting period.
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
