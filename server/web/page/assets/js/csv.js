// CSV download of a table as it is shown (RFC 4180: comma-separated, CRLF line ends, fields
// with a comma, quote or line break quoted, quotes doubled; UTF-8 without a byte-order mark;
// the column headers as the first record). Made in the browser from the table itself, so the
// file holds exactly what the page shows.

// One field, quoted when RFC 4180 needs it. A text that a spreadsheet would run as a formula
// (starting with =, +, @, or a - unless it is a number, perhaps with a unit: "-5", "-1.5 h")
// gets a leading apostrophe: subjects and requesters come from outside the service desk.
export function csvField(text) {
  let value = String(text);
  const number = /^-\d+(\.\d+)?( [a-z%]+)?$/;
  if (/^[=+@\t\r]/.test(value) || (value.startsWith('-') && !number.test(value))) {
    value = `'${value}`;
  }
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRecord(fields) {
  return fields.map(csvField).join(',');
}

// A cell's text as shown, whitespace collapsed; a list in a cell becomes "a; b; c".
function cellText(cell) {
  const items = cell.querySelectorAll('li');
  const tidy = (s) => s.trim().replace(/\s+/g, ' ');
  if (items.length) return [...items].map((li) => tidy(li.textContent)).join('; ');
  return tidy(cell.textContent);
}

// The table's header row, body rows (not the "nothing to show" row) and footer, as CSV.
export function tableCsv(table) {
  const rows = [];
  if (table.tHead) rows.push(...table.tHead.rows);
  for (const body of table.tBodies) {
    rows.push(...[...body.rows].filter((r) => !r.querySelector('td.empty')));
  }
  if (table.tFoot) rows.push(...table.tFoot.rows);
  return rows.map((row) => `${csvRecord([...row.cells].map(cellText))}\r\n`).join('');
}

// A file name from the table's caption: "open-support-tickets-by-service.csv".
export function csvFileName(caption) {
  const slug = caption.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '');
  return `${slug || 'table'}.csv`;
}

// Offers `text` as a download named `name` (a Blob URL, revoked once the download started).
export function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
