// How numbers, durations and times read on the page. Times are shown in UTC, as the API gives
// them, so that what a reader sees can be matched with the API and the audit history.

const kDash = '–';  // an absent value (docs/api.md: statistics over an empty set are null)

export function count(n) {
  return n === null || n === undefined ? kDash : String(n);
}

// Seconds as minutes below an hour, hours below two days, days beyond.
export function duration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return kDash;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

// A share in [0, 1] as a percentage with one decimal.
export function share(fraction) {
  if (fraction === null || fraction === undefined) return kDash;
  return `${(fraction * 100).toFixed(1)} %`;
}

// "93.4 % (141 of 151)", or a dash when nothing was counted.
export function shareOf(part, whole) {
  if (!whole) return kDash;
  return `${share(part / whole)} (${part} of ${whole})`;
}

// A personal field (docs/api.md, "Personal data and erasure"): its text, or why there is none:
// "erased" once the ticket's personal data is erased, "sealed" when the server could not open it
// (it holds no key); `absent` when the field is simply not set.
export function personal(value, holder, absent = kDash) {
  if (value !== null && value !== undefined && value !== '') return value;
  if (holder && holder.erased) return 'erased';
  if (holder && holder.sealed) return 'sealed';
  return absent;
}

export function score(mean) {
  if (mean === null || mean === undefined) return kDash;
  return mean.toFixed(2);
}

// RFC 3339 (UTC from the API) as "2026-03-02 10:04 UTC"; seconds only when non-zero.
export function time(rfc3339) {
  if (!rfc3339) return kDash;
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  const iso = d.toISOString();
  const seconds = iso.slice(17, 19) === '00' ? '' : iso.slice(16, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds} UTC`;
}

// A <time> element: readable text, the exact instant in its datetime attribute.
export function timeElement(rfc3339) {
  const element = document.createElement('time');
  if (rfc3339) element.dateTime = rfc3339;
  element.textContent = time(rfc3339);
  return element;
}

// Seconds between two RFC 3339 instants (b - a).
export function secondsBetween(a, b) {
  return (new Date(b).getTime() - new Date(a).getTime()) / 1000;
}

// A service (or a report group's key) as shown: a ticket opened by mail has none until it is
// classified (docs/api.md, "Mail"), and the API says null.
export function groupName(name) {
  return name === null || name === undefined ? 'Unclassified' : name;
}
