// 6. A ticket: its state (GET /api/v1/tickets/{id}) and its audit history as a timeline
// (GET /api/v1/tickets/{id}/history, auditor), with an as-of control that shows the ticket as
// it stood at any event (?as_of=<seq>) or at a time (?as_of=<time>, ?known_at=<time>).
// Moving through the events updates the page in place, so the slider keeps the focus.
import { ApiError } from '../api.js';
import { dataTable, errorBox, h, section, ticketLink } from '../dom.js';
import * as format from '../format.js';
import { heading } from './common.js';

export const title = 'Ticket';
// A history being read (or walked with the as-of slider) is not re-read under the reader.
export const autoRefresh = false;

const kTypeNames = {
  opened: 'Opened', acknowledged: 'Acknowledged', replied: 'Replied',
  requester_messaged: 'Message from the requester', commented: 'Internal comment',
  status_changed: 'Status changed', stalled: 'Stalled', resumed: 'Resumed',
  assigned: 'Assigned', unassigned: 'Unassigned', moved: 'Moved', updated: 'Updated',
  resolved: 'Resolved', reopened: 'Reopened', feedback_invited: 'Feedback invited',
  feedback_received: 'Feedback received', child_linked: 'Child ticket linked',
};

function typeName(type) {
  return kTypeNames[type] || type;
}

// An opened event's subject, quoted; "erased" or "sealed" when it cannot be read.
function subjectOf(e) {
  const d = e.data || {};
  if (d.subject) return `: “${d.subject}”`;
  const why = format.personal(null, e, '');
  return why ? `: subject ${why}` : '';
}

// What an event did, in a line. Personal fields read "erased" or "sealed" when the server
// answers them null for that reason (docs/api.md, "Personal data and erasure").
function eventWhat(e) {
  const d = e.data || {};
  const text = (value) => format.personal(value, e, '');
  switch (e.type) {
    case 'opened':
      return [`${d.category} ticket for ${format.groupName(d.service)} in ${d.queue}, ` +
              `from ${format.personal(d.requester, e)} ` +
              `by ${d.channel}`, subjectOf(e),
              `; keywords: ${d.description}`,
              d.parent ? [', child of ', ticketLink(d.parent)] : null];
    case 'acknowledged': return 'Automatic first reply carrying the ticket number.';
    case 'replied':
    case 'requester_messaged':
    case 'commented': return text(d.body);
    case 'status_changed': return `${d.from} → ${d.to}`;
    case 'stalled': return ['Awaiting: ', text(d.awaiting), '; follow up at ',
                            format.timeElement(d.follow_up_at)];
    case 'resumed': return 'Back to open.';
    case 'assigned': return `Owner: ${d.owner}`;
    case 'unassigned': return d.previous_owner ? `No owner (was ${d.previous_owner})` : 'No owner';
    case 'moved':
      return `${d.from_queue} → ${d.to_queue}` +
             (text(d.reason) ? `: ${text(d.reason)}` : '') +
             (d.misroute ? ' (returned to the service centre)' : '') +
             (d.owner_cleared ? '; owner cleared' : '');
    case 'updated':
      return Object.entries(d).map(([k, v]) => `${k}: ${v ?? text(v)}`).join('; ');
    case 'resolved': return `Solution: ${text(d.solution)}`;
    case 'reopened': return text(d.reason) ? `Reason: ${text(d.reason)}` : 'Reopened.';
    case 'feedback_invited': return 'The requester was invited to give feedback.';
    case 'feedback_received':
      return `Score ${d.score} of 5` + (text(d.comment) ? `: ${text(d.comment)}` : '');
    case 'child_linked': return ['Child: ', ticketLink(d.child)];
    default: return JSON.stringify(d);
  }
}

const kFields = [
  ['Status', (t) => t.status],
  ['Service', (t) => format.groupName(t.service)],
  ['Category', (t) => t.category],
  ['Queue', (t) => t.queue],
  ['Owner', (t) => t.owner || 'Unowned'],
  ['Requester', (t) => format.personal(t.requester, t)],
  ['Channel', (t) => t.channel],
  ['Subject', (t) => format.personal(t.subject, t)],
  ['Keywords', (t) => t.description],
  ['Created', (t) => format.timeElement(t.created_at)],
  ['Last event', (t) => format.timeElement(t.updated_at)],
  ['First response', (t) => format.timeElement(t.first_response_at)],
  ['Resolved', (t) => format.timeElement(t.resolved_at)],
  ['Solution', (t) => (t.resolved_at ? format.personal(t.solution, t) : '–')],
  ['Stalled', (t) => (t.stalled ? ['awaiting ', format.personal(t.stalled.awaiting, t),
                                   ', follow up at ', format.timeElement(t.stalled.follow_up_at)]
                                 : 'No')],
  ['Parent', (t) => (t.parent ? ticketLink(t.parent) : '–')],
  ['Children', (t) => (t.children.length ? t.children.flatMap((c, i) =>
    (i ? [', ', ticketLink(c)] : [ticketLink(c)])) : '–')],
  ['Reopened', (t) => String(t.reopened)],
  ['Feedback', (t) => {
    if (!t.feedback) return '–';
    const comment = format.personal(t.feedback.comment, t, '');
    return `${t.feedback.score} of 5` + (comment ? `: ${comment}` : '');
  }],
  ['Version', (t) => String(t.version)],
];

function stateTable(state, caption) {
  return dataTable({
    caption,
    columns: [{ label: 'Field' }, { label: 'Value' }],
    rows: kFields.map(([name, value]) => ({ header: name, cells: [h('span', {}, value(state))] })),
  });
}

function idForm(context, id) {
  const input = h('input', { id: 'ticket-id', name: 'ticket-id', inputmode: 'numeric',
                             pattern: '[1-9][0-9]*', value: id, autocomplete: 'off' });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Find a ticket' },
    h('div', { class: 'field' }, h('label', { for: 'ticket-id' }, 'Ticket number'), input),
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = input.value.trim().replace(/^#/, '');
    if (value) context.go({}, value);
  });
  return form;
}

function timeForm(context, at, by) {
  const input = h('input', { id: 'as-of-time', name: 'as-of-time', value: at,
                             placeholder: '2026-03-01T12:00:00Z', autocomplete: 'off',
                             'aria-describedby': 'as-of-time-help' });
  const basis = h('select', { id: 'as-of-basis', name: 'as-of-basis' },
    h('option', { value: 'occurred', selected: by !== 'recorded' }, 'as it happened'),
    h('option', { value: 'recorded', selected: by === 'recorded' }, 'as the ledger knew it'));
  const form = h('form', { class: 'as-of-time' },
    h('fieldset', {},
      h('legend', {}, 'As of a time'),
      h('div', { class: 'field' }, h('label', { for: 'as-of-time' }, 'Time (RFC 3339)'), input),
      h('div', { class: 'field' }, h('label', { for: 'as-of-basis' }, 'Show the ticket'), basis),
      h('button', { type: 'submit' }, 'Show'),
      h('p', { id: 'as-of-time-help', class: 'help' },
        '“As it happened” uses when each event occurred; “as the ledger knew it” uses ' +
        'when it was recorded.')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    context.go({ at: input.value.trim(), by: basis.value });
  });
  return form;
}

function timelineItem(e, index, total, onPick) {
  const headingId = `event-heading-${e.seq}`;
  const who = e.recorded_by && e.recorded_by !== e.actor
    ? [e.actor, h('span', { class: 'muted' }, ` (recorded by ${e.recorded_by})`)] : e.actor;
  const pick = h('button', { type: 'button', class: 'link-button as-of-pick',
                             'aria-describedby': headingId }, 'Show the ticket as of this event');
  pick.addEventListener('click', () => onPick(index));
  return h('li', { class: 'event', 'data-seq': e.seq, 'data-index': index },
    h('h3', { id: headingId }, `${index + 1} of ${total} · ${typeName(e.type)}`,
      h('span', { class: 'visually-hidden later-note' }, ' (after the state shown)')),
    h('p', { class: 'event-what' }, eventWhat(e)),
    h('dl', { class: 'event-meta' },
      h('div', {}, h('dt', {}, 'Who'), h('dd', { class: 'event-actor' }, who)),
      h('div', {}, h('dt', {}, 'Happened'),
        h('dd', { class: 'event-occurred' }, format.timeElement(e.occurred_at))),
      h('div', {}, h('dt', {}, 'Recorded'),
        h('dd', { class: 'event-recorded' }, format.timeElement(e.recorded_at))),
      h('div', {}, h('dt', {}, 'Seq'), h('dd', { class: 'event-seq' }, String(e.seq))),
      h('div', { class: 'hash' }, h('dt', {}, 'Hash'),
        h('dd', {}, h('code', { class: 'event-hash' }, e.hash))),
      h('div', { class: 'hash' }, h('dt', {}, 'Previous'),
        h('dd', {}, h('code', { class: 'event-prev-hash' }, e.prev_hash)))),
    pick);
}

// The index of the last event at or before a time (by occurred_at or recorded_at); -1 if none.
function lastEventAt(events, at, by) {
  const limit = Date.parse(at);
  let found = -1;
  events.forEach((e, i) => {
    if (Date.parse(by === 'recorded' ? e.recorded_at : e.occurred_at) <= limit) found = i;
  });
  return found;
}

export async function render(context, root) {
  const id = context.arg;
  root.append(...heading(id ? `Ticket #${id}` : title,
                         'A ticket\u2019s state and every event that made it, oldest first.'),
              idForm(context, id));
  if (!id) return;
  if (!/^[1-9][0-9]*$/.test(id)) {
    root.append(errorBox(`“${id}” is not a ticket number.`));
    return;
  }
  let current;
  try {
    current = await context.api(`/api/v1/tickets/${id}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      root.append(errorBox(`There is no ticket #${id}.`));
      return;
    }
    throw e;
  }
  let events = null;
  let historyNote = null;
  try {
    ({ events } = await context.api(`/api/v1/tickets/${id}/history`));
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 403) throw e;
    historyNote = h('p', { class: 'notice', role: 'note' },
      'The audit history needs an auditor token; this token may not read it (' +
      `${e.status} ${e.code}: ${e.message}). The as-of time below still works. To see the ` +
      'history, use “Change token” with an auditor token.');
  }

  const asOfSeq = context.params.get('as_of') || '';
  const at = context.params.get('at') || '';
  const by = context.params.get('by') === 'recorded' ? 'recorded' : 'occurred';
  const stateBox = h('div', { class: 'state-box', 'aria-live': 'polite' });
  const layout = h('div', { class: 'ticket-layout' });
  const left = h('div', { class: 'ticket-state' });
  layout.append(left);
  if (historyNote) root.append(historyNote);
  root.append(layout);

  // The state at a time, from the form.
  if (at) {
    const param = by === 'recorded' ? 'known_at' : 'as_of';
    let state = null;
    let message = null;
    try {
      state = await context.api(`/api/v1/tickets/${id}`, { [param]: at });
    } catch (e) {
      if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 400)) throw e;
      message = e.status === 404 ? `Ticket #${id} did not exist yet at ${at}.`
                                 : `“${at}” is not an RFC 3339 time (${e.message}).`;
    }
    const caption = `Ticket #${id} ${by === 'recorded' ? 'as the ledger knew it' : 'as it stood'}` +
                    ` at ${at}`;
    stateBox.append(message ? errorBox(message) : stateTable(state, caption));
  }

  if (!events) {
    if (!at) stateBox.append(stateTable(current, `Ticket #${id} now`));
    left.append(stateBox, timeForm(context, at, by));
    return;
  }

  // With the history: a slider over the events, and a timeline whose items can be picked.
  const total = events.length;
  const slider = h('input', { id: 'as-of', name: 'as-of', type: 'range', min: 1, max: total,
                              step: 1, value: total });
  const output = h('output', { id: 'as-of-text', for: 'as-of' });
  const latest = h('button', { type: 'button', id: 'as-of-latest' }, 'Latest');
  const timeline = h('ol', { class: 'timeline', 'aria-label': `Events of ticket #${id}` });
  let shown = -1;
  let request = 0;

  const describe = (i) => `event ${i + 1} of ${total}: ${typeName(events[i].type)}, ` +
                          `${format.time(events[i].occurred_at)} (seq ${events[i].seq})`;
  const mark = (i) => {
    shown = i;
    slider.value = String(i + 1);
    slider.setAttribute('aria-valuetext', describe(i));
    output.textContent = i === total - 1 ? `Now: ${describe(i)}` : `As of ${describe(i)}`;
    for (const item of timeline.children) {
      const index = Number(item.dataset.index);
      item.classList.toggle('later', index > i);
      item.classList.toggle('current', index === i);
      item.querySelector('.as-of-pick').setAttribute('aria-pressed', String(index === i));
    }
  };
  // Shows the state as of event i, in place; older answers that arrive late are dropped.
  const showAsOf = async (i, updateUrl = true) => {
    const mine = ++request;
    mark(i);
    const seq = events[i].seq;
    if (updateUrl) context.replace(i === total - 1 ? {} : { as_of: seq });
    try {
      const state = i === total - 1 ? current
                                    : await context.api(`/api/v1/tickets/${id}`, { as_of: seq });
      if (mine !== request || !context.current()) return;
      stateBox.replaceChildren(stateTable(state,
        `Ticket #${id} as of event ${i + 1} of ${total} (seq ${seq})`));
    } catch (e) {
      if (mine !== request || !context.current()) return;
      const why = e.describe ? e.describe() : String(e);
      stateBox.replaceChildren(errorBox(`Could not load the state: ${why}`));
    }
  };

  events.forEach((e, i) => timeline.append(timelineItem(e, i, total, (index) => {
    showAsOf(index);
    slider.focus();
  })));
  let pending = null;
  slider.addEventListener('input', () => {
    clearTimeout(pending);
    const i = Number(slider.value) - 1;
    mark(i);
    pending = setTimeout(() => showAsOf(i), 120);
  });
  latest.addEventListener('click', () => showAsOf(total - 1));

  let start = total - 1;
  if (asOfSeq) {
    const found = events.findIndex((e) => String(e.seq) === asOfSeq);
    start = found >= 0 ? found : total - 1;
  } else if (at) {
    start = lastEventAt(events, at, by);
  }
  left.append(
    h('div', { class: 'as-of' },
      h('label', { for: 'as-of' }, 'Show the ticket as of event'),
      h('div', { class: 'as-of-row' }, slider, latest),
      output),
    stateBox,
    timeForm(context, at, by));
  layout.append(section('Audit history', timeline));
  if (at) {
    if (start >= 0) mark(start);
  } else {
    await showAsOf(start, false);
  }
}
