/*
 * The access token of `otel-profiles serve --token`, for the web UI. Loaded before every other script.
 *
 * Where the token comes from: the URL fragment (http://host:4318/#token=...) or, when a request is refused with 401,
 * a form in the page. Why the fragment: a browser never sends it to the server (not in the request line, not in the
 * Referer header), so it cannot end up in the receiver's request log, a proxy log or another site's log. It is
 * removed from the address bar as soon as it is read, so it stays out of the history and of links copied later.
 * Never in the query string: `serve --verbose` and any proxy log request URLs with their query.
 *
 * Where it is kept: sessionStorage, so a reload in the same tab keeps working and closing the tab forgets it
 * (localStorage would keep it on disk indefinitely). Only this origin's scripts can read it; the page escapes every
 * stored string, so no stored data can run as script.
 *
 * How it is sent: as `Authorization: Bearer <token>` on every same-origin fetch. This file wraps window.fetch rather
 * than giving app.js a helper so that every script of the page, including ones added later, sends the header
 * without knowing about it. Requests to other origins are passed through untouched: the token never leaves.
 */
(function (global) {
  'use strict';
  const KEY = 'otel-profiles-token';
  const originalFetch = global.fetch.bind(global);
  let asked = false;
  let memoryToken = null; // when sessionStorage is disabled

  function storedToken() {
    try { return global.sessionStorage.getItem(KEY); } catch (e) { return null; }
  }

  function storeToken(token) {
    try {
      if (token) global.sessionStorage.setItem(KEY, token); else global.sessionStorage.removeItem(KEY);
    } catch (e) { /* storage disabled: the token lives as long as this page */ }
    memoryToken = token || null;
  }

  function takeTokenFromFragment() {
    const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
    if (!fragment.has('token')) return;
    const token = fragment.get('token');
    fragment.delete('token');
    const rest = fragment.toString();
    history.replaceState(history.state, '', location.pathname + location.search + (rest ? '#' + rest : ''));
    if (token) storeToken(token);
  }

  function currentToken() { return storedToken() || memoryToken; }

  function isSameOrigin(url) {
    try { return new URL(url, location.href).origin === location.origin; } catch (e) { return false; }
  }

  // A small form instead of window.prompt(): it does not block the page, and a password field hides what is typed.
  function askForToken(reason) {
    if (asked) return;
    asked = true;
    const form = document.createElement('form');
    form.id = 'token-form';
    form.className = 'token-form';
    const text = document.createElement('span');
    text.textContent = (reason ? reason + ' ' : '') + 'This receiver requires its access token (serve --token). ' +
      'Paste it here, or open the page as /#token=<token>; it is kept for this tab only and sent as an Authorization header.';
    const input = document.createElement('input');
    input.type = 'password';
    input.id = 'token-input';
    input.autocomplete = 'off';
    input.placeholder = 'Access token';
    const button = document.createElement('button');
    button.type = 'submit';
    button.id = 'token-submit';
    button.className = 'primary';
    button.textContent = 'Use token';
    form.append(text, input, button);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!input.value) return;
      storeToken(input.value.trim());
      location.reload();
    });
    const main = document.querySelector('main') || document.body;
    main.prepend(form);
    input.focus();
  }

  global.fetch = async function (input, init) {
    const url = input instanceof Request ? input.url : String(input);
    const token = currentToken();
    if (!isSameOrigin(url) || !token) {
      const response = await originalFetch(input, init);
      if (response.status === 401 && isSameOrigin(url)) askForToken('');
      return response;
    }
    const headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
    try {
      headers.set('Authorization', 'Bearer ' + token);
    } catch (e) {
      // Characters a header cannot carry: this cannot be the token.
      storeToken(null);
      askForToken('That token has characters a header cannot carry.');
      throw new Error('the access token is not valid');
    }
    const response = await originalFetch(input, Object.assign({}, init, { headers: headers }));
    if (response.status === 401) {
      storeToken(null);
      askForToken('The token was not accepted.');
    }
    return response;
  };

  takeTokenFromFragment();
  global.OtelAuth = { hasToken: () => !!currentToken() };
})(window);
