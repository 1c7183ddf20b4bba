// The API token: asked for once, kept in sessionStorage (gone when the tab closes), never put in
// a URL. The prompt checks a token against the server before keeping it.
import { ApiError, getJson } from './api.js';
import { h } from './dom.js';

const kKey = 'ticketledger.token';

export function loadToken() {
  return sessionStorage.getItem(kKey) || '';
}

export function forgetToken() {
  sessionStorage.removeItem(kKey);
}

// Why a token was refused, in words a person can act on.
function refusal(error) {
  if (error.status === 401) {
    return 'The server did not accept this token (401: ' + error.message + '). ' +
           'Check that you pasted the whole token, or ask an administrator for a reader token.';
  }
  if (error.status === 403) {
    return 'This token may not read the dashboard (403: ' + error.message + ').';
  }
  return 'The token could not be checked: ' + error.describe();
}

// Renders the prompt into `root` and resolves with a token the server accepts. `notice` is
// shown first (e.g. why the previous token stopped working).
export function askForToken(root, notice = '') {
  return new Promise((resolve) => {
    const input = h('input', {
      id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false',
      required: true, 'aria-describedby': 'token-help token-error',
    });
    const error = h('p', { id: 'token-error', class: 'error', role: 'alert' }, notice);
    if (!notice) error.hidden = true;
    const button = h('button', { type: 'submit' }, 'Sign in');
    const form = h('form', { class: 'token-form', novalidate: true },
      h('label', { for: 'token' }, 'API token'),
      input,
      h('p', { id: 'token-help', class: 'help' },
        'A reader token shows every view; an auditor token also shows the audit history of ' +
        'tickets. Make one with ', h('code', {}, 'ticketledger token --role reader --actor NAME'),
        '. It is kept only in this tab.'),
      button, error);
    root.replaceChildren(h('h1', { tabindex: '-1' }, 'Sign in'), form);
    input.focus();
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) {
        error.textContent = 'Enter a token.';
        error.hidden = false;
        input.focus();
        return;
      }
      button.disabled = true;
      try {
        await getJson(token, '/api/v1/services');
        sessionStorage.setItem(kKey, token);
        resolve(token);
      } catch (e) {
        error.textContent = e instanceof ApiError ? refusal(e) : String(e);
        error.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        input.select();
      } finally {
        button.disabled = false;
      }
    });
  });
}
