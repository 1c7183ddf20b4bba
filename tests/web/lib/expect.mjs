// Checks of what the page shows against the API's numbers. The page's text is read back
// (durations, shares, times) rather than re-formatted here, so a formatting slip shows up.
import assert from 'node:assert/strict';

const kDash = '–';

// "42 min", "3.5 h", "2.1 d" against seconds, within the precision shown.
export function duration(text, seconds, what) {
  if (seconds === null || seconds === undefined) {
    assert.equal(text, kDash, `${what}: the API has no value`);
    return;
  }
  const m = /^(\d+(?:\.\d+)?) (min|h|d)$/.exec(text);
  assert.ok(m, `${what}: "${text}" is not a duration`);
  const unit = { min: 60, h: 3600, d: 86400 }[m[2]];
  const half = unit * (m[2] === 'min' ? 0.5 : 0.05);
  assert.ok(Math.abs(Number(m[1]) * unit - seconds) <= half + 1e-6,
            `${what}: the page shows ${text}, the API ${seconds} s`);
}

// "93.4 %" against a fraction.
export function share(text, fraction, what) {
  if (fraction === null || fraction === undefined) {
    assert.equal(text, kDash, what);
    return;
  }
  const m = /^(\d+(?:\.\d)?) %$/.exec(text);
  assert.ok(m, `${what}: "${text}" is not a share`);
  assert.ok(Math.abs(Number(m[1]) - fraction * 100) <= 0.05 + 1e-9,
            `${what}: the page shows ${text}, the API ${fraction}`);
}

// "93.4 % (141 of 151)" against a part and a whole (a dash when the whole is 0).
export function shareOf(text, part, whole, what) {
  if (!whole) {
    assert.equal(text, kDash, what);
    return;
  }
  const m = /^(.*) \((\d+) of (\d+)\)$/.exec(text);
  assert.ok(m, `${what}: "${text}" is not "share (part of whole)"`);
  assert.equal(Number(m[2]), part, `${what}: part`);
  assert.equal(Number(m[3]), whole, `${what}: whole`);
  share(m[1], part / whole, what);
}

// "2026-03-02 10:04 UTC" or "2026-03-02 10:04:05 UTC" against RFC 3339, to the second.
export function time(text, rfc3339, what) {
  if (!rfc3339) {
    assert.equal(text, kDash, what);
    return;
  }
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(?::\d{2})?) UTC$/.exec(text);
  assert.ok(m, `${what}: "${text}" is not a UTC time`);
  const shown = Date.parse(`${m[1]}T${m[2].length === 5 ? `${m[2]}:00` : m[2]}Z`);
  assert.equal(shown, Math.floor(Date.parse(rfc3339) / 1000) * 1000,
               `${what}: the page shows ${text}, the API ${rfc3339}`);
}

export function count(text, n, what) {
  assert.equal(text, n === null || n === undefined ? kDash : String(n), what);
}
