// Small DOM helpers: element creation and the semantic tables every view shows under its
// charts (caption, column and row headers, a totals row, a CSV download).
import { csvFileName, download, tableCsv } from './csv.js';

// h('a', {href: '#/x', class: 'c'}, 'text', child, ...): an element. Attributes set to false,
// null or undefined are left out; true sets an empty attribute; children may be strings,
// numbers, nodes, null (skipped) or arrays of them.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

let nextId = 0;
// A document-unique id for aria references.
export function uniqueId(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

// A table in a scrollable, focusable region (wide tables scroll sideways on a narrow screen
// and stay reachable by keyboard), with a button that downloads it as CSV.
//   caption: text; columns: [{label, numeric}]; rows: [{header, cells: [...], class}];
//   foot: {header, cells} or null. Cells are text, numbers or nodes.
export function dataTable({ caption, columns, rows, foot = null, empty = 'Nothing to show.' }) {
  const captionId = uniqueId('caption');
  const headRow = h('tr', {}, columns.map((c) =>
    h('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.label)));
  const bodyRows = rows.map((row) => tableRow(row, columns, row.class));
  if (rows.length === 0) {
    bodyRows.push(h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, empty)));
  }
  const table = h('table', {},
    h('caption', { id: captionId }, caption),
    h('thead', {}, headRow),
    h('tbody', {}, bodyRows),
    foot ? h('tfoot', {}, tableRow(foot, columns, null)) : null);
  return h('div', { class: 'table-block' },
    h('div', { class: 'table-wrap', role: 'region', 'aria-labelledby': captionId,
               tabindex: '0' }, table),
    csvButton(table, caption));
}

// "Download CSV" (its accessible name also says which table) of the table as shown.
function csvButton(table, caption) {
  const button = h('button', { type: 'button', class: 'csv-button',
                               'aria-label': `Download CSV: ${caption}` }, 'Download CSV');
  button.addEventListener('click', () => download(csvFileName(caption), tableCsv(table)));
  return button;
}

function tableRow(row, columns, rowClass) {
  const cells = [h('th', { scope: 'row' }, row.header)];
  row.cells.forEach((cell, i) => {
    const column = columns[i + 1] || {};
    cells.push(h('td', { class: column.numeric ? 'num' : null }, cell));
  });
  return h('tr', { class: rowClass || null }, cells);
}

// A labelled <select> that calls onChange(value). options: [{value, label}].
export function selectField({ id, label, value, options, onChange }) {
  const select = h('select', { id, name: id },
    options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)));
  select.addEventListener('change', () => onChange(select.value));
  return h('div', { class: 'field' }, h('label', { for: id }, label), select);
}

// A section with a heading (h2) and content.
export function section(title, ...content) {
  const id = uniqueId('section');
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), content);
}

// A message that something failed, read out at once.
export function errorBox(text) {
  return h('p', { class: 'error', role: 'alert' }, text);
}

// A link to a ticket's view.
export function ticketLink(id) {
  return h('a', { href: `#/ticket/${id}` }, `#${id}`);
}
