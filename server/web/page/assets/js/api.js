// The HTTP API client (docs/api.md). The token travels only in the Authorization header, never in a
// URL, so it stays out of the history, logs and referrers.

// A failed call: the HTTP status and docs/api.md's error code and message (status 0: no answer).
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  // One line for people: what happened and what the server said.
  describe() {
    if (this.status === 0) return `The server did not answer (${this.message}).`;
    return `${this.status} ${this.code}: ${this.message}`;
  }
}

// Builds "/api/v1/...?..." from a path and parameters, leaving out empty ones.
export function apiUrl(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

// GET a JSON document with `token`. Throws ApiError for a non-2xx answer or no answer.
export async function getJson(token, path, params = {}) {
  let response;
  try {
    response = await fetch(apiUrl(path, params), {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    throw new ApiError(0, 'unreachable', e.message);
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    if (response.ok) throw new ApiError(response.status, 'bad_json', 'the answer is not JSON');
  }
  if (!response.ok) {
    const error = body && body.error ? body.error : {};
    throw new ApiError(response.status, error.code || 'http_error',
                       error.message || response.statusText);
  }
  return body;
}
