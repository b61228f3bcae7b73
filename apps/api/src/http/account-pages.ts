import { messages } from '@authsvc/contracts';
import type { FastifyInstance } from 'fastify';
import { overridePageHeaders, pageContentSecurityPolicy } from './page-security.js';
import { ALL_METHODS } from './rest-routes.js';

/** Where the pages' own script and style are served from. */
const ASSETS_PATH = '/pages/';

// The link's secret is in the page's address: no Referer may carry it elsewhere, no cache may keep it.
const PAGE_HEADERS = {
  'Content-Security-Policy': pageContentSecurityPolicy(["style-src 'self'"]),
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** A page as a whole document; it is static, so nothing from the request can be injected into it. */
const pageDocument = (title: string, main: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <meta name="robots" content="noindex">
    <title>${title}</title>
    <link rel="stylesheet" href="${ASSETS_PATH}account-pages.css">
    <script src="${ASSETS_PATH}account-pages.js" defer></script>
  </head>
  <body>
    <main>
      <h1>${title}</h1>
      <noscript><p class="status" data-tone="error">This page needs JavaScript.</p></noscript>
      <p id="status" class="status" role="status" aria-live="polite" hidden></p>
${main}
    </main>
  </body>
</html>
`;

const RESET_PAGE = pageDocument(
  'Choose a new password',
  `      <form id="password-reset-form" novalidate>
        <label for="new_password1">New password</label>
        <input id="new_password1" name="new_password1" type="password" autocomplete="new-password" required aria-describedby="new_password1-errors">
        <ul id="new_password1-errors" class="field-errors"></ul>
        <label for="new_password2">New password, again</label>
        <input id="new_password2" name="new_password2" type="password" autocomplete="new-password" required aria-describedby="new_password2-errors">
        <ul id="new_password2-errors" class="field-errors"></ul>
        <button type="submit">Set my new password</button>
      </form>`,
);

const VERIFY_PAGE = pageDocument(
  'Verify your email address',
  `      <p id="verify-intro">Confirm that this address is yours.</p>
      <button id="verify-email-button" type="button">Verify my email</button>`,
);

// One script for both pages, a file rather than inline so the CSP needs no 'unsafe-inline'. It reads
// the secrets from location.pathname and writes answers with textContent only, never as HTML.
const SCRIPT = `'use strict';
(function () {
  var INVALID_LINK = 'This link is invalid or was already used.';
  var UNREACHABLE = 'The service could not be reached. Check your connection and try again.';
  var status = document.getElementById('status');

  // ["password-reset", uid, token] or ["verify-email", key]; the mailer URL-encodes the secrets.
  function pathSegments() {
    return location.pathname.split('/').filter(function (segment) { return segment !== ''; }).map(function (segment) {
      try { return decodeURIComponent(segment); } catch (error) { return segment; }
    });
  }

  function showStatus(text, tone) {
    status.textContent = text;
    status.dataset.tone = tone;
    status.hidden = text === '';
  }

  // DRF bodies: {"field": ["message", ...]} or {"detail": "message"}.
  function messagesOf(value) {
    if (Array.isArray(value)) return value.map(String);
    return typeof value === 'string' ? [value] : [];
  }

  async function post(path, body) {
    try {
      var response = await fetch(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
      });
      var data = await response.json().catch(function () { return {}; });
      return { status: response.status, data: data && typeof data === 'object' ? data : {} };
    } catch (error) {
      return { status: 0, data: {} };
    }
  }

  // A throttle's or an outage's detail, or whatever messages the body holds.
  function failureText(result) {
    if (result.status === 0) return UNREACHABLE;
    var text = Object.keys(result.data).map(function (name) { return messagesOf(result.data[name]).join(' '); }).join(' ').trim();
    return text || 'Something went wrong (HTTP ' + result.status + '). Try again later.';
  }

  function setFieldErrors(form, name, list) {
    var holder = document.getElementById(name + '-errors');
    holder.replaceChildren.apply(holder, list.map(function (message) {
      var item = document.createElement('li');
      item.textContent = message;
      return item;
    }));
    form.elements[name].setAttribute('aria-invalid', String(list.length > 0));
  }

  function passwordReset(form) {
    var segments = pathSegments();
    var fields = ['new_password1', 'new_password2'];
    var button = form.querySelector('button');
    form.addEventListener('submit', async function (event) {
      event.preventDefault();
      fields.forEach(function (name) { setFieldErrors(form, name, []); });
      showStatus('', '');
      button.disabled = true;
      var result = await post('/api/users/password/reset/confirm/', {
        uid: segments[1],
        token: segments[2],
        new_password1: form.elements.new_password1.value,
        new_password2: form.elements.new_password2.value,
      });
      button.disabled = false;
      if (result.status === 200) {
        form.hidden = true;
        showStatus(messagesOf(result.data.detail).join(' ') + ' You can now log in with it.', 'ok');
        return;
      }
      if (result.status !== 400) return showStatus(failureText(result), 'error');
      var general = [];
      Object.keys(result.data).forEach(function (name) {
        if (fields.indexOf(name) >= 0) setFieldErrors(form, name, messagesOf(result.data[name]));
        else if (name === 'uid' || name === 'token') general.push(INVALID_LINK + ' Ask for a new password reset email.');
        else general.push.apply(general, messagesOf(result.data[name]));
      });
      showStatus(general.filter(function (text, index) { return general.indexOf(text) === index; }).join(' '), 'error');
      var invalid = form.querySelector('[aria-invalid="true"]');
      if (general.length === 0 && invalid) invalid.focus();
    });
  }

  // The POST happens on the click only: mail scanners fetch links, and a GET must never verify.
  function emailVerification(button) {
    var key = pathSegments()[1];
    button.addEventListener('click', async function () {
      button.disabled = true;
      showStatus('', '');
      var result = await post('/api/users/registration/verify-email/', { key: key });
      if (result.status === 200 || result.status === 404) {
        button.hidden = true;
        document.getElementById('verify-intro').hidden = true;
        return showStatus(result.status === 200 ? 'Your email is verified.' : INVALID_LINK, result.status === 200 ? 'ok' : 'error');
      }
      button.disabled = false;
      showStatus(failureText(result), 'error');
    });
  }

  var resetForm = document.getElementById('password-reset-form');
  if (resetForm) passwordReset(resetForm);
  var verifyButton = document.getElementById('verify-email-button');
  if (verifyButton) emailVerification(verifyButton);
})();
`;

const STYLE = `:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.4; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; }
main { width: min(24rem, 100% - 2rem); padding: 2rem; border: 1px solid #8886; border-radius: 0.75rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
label { display: block; margin-top: 1rem; font-weight: 600; }
input { box-sizing: border-box; width: 100%; margin-top: 0.35rem; padding: 0.55rem; font: inherit; border: 1px solid #888a; border-radius: 0.4rem; }
input[aria-invalid='true'] { border-color: #c62828; }
button { margin-top: 1.5rem; width: 100%; padding: 0.65rem; font: inherit; font-weight: 600; border: 0; border-radius: 0.4rem; background: #1565c0; color: #fff; cursor: pointer; }
button:disabled { opacity: 0.6; cursor: progress; }
.field-errors { margin: 0.35rem 0 0; padding: 0; list-style: none; color: #c62828; font-size: 0.9rem; }
.status { margin: 0 0 1rem; padding: 0.75rem; border-radius: 0.4rem; }
.status[data-tone='error'] { background: #c628281a; color: #c62828; }
.status[data-tone='ok'] { background: #2e7d321a; color: #2e7d32; }
[hidden] { display: none !important; }
`;

/** The pages the emailed links open by default, by path in Fastify's syntax. */
const PAGES = [
  { path: '/password-reset/:uid/:token/', html: RESET_PAGE },
  { path: '/verify-email/:key/', html: VERIFY_PAGE },
] as const;

/** The pages' paths, for APPEND_SLASH: a link whose slash a mail client dropped is redirected, not lost. */
export const ACCOUNT_PAGE_PATHS: readonly string[] = PAGES.map((page) => page.path);

// Everything after these prefixes is a link's secret (or the uid beside it).
const SECRET_PREFIXES = PAGES.map((page) => page.path.slice(0, page.path.indexOf(':')));

/** `path` with a page link's secrets replaced by `censor`, so a request log never holds a reset token or a verification key. */
export function redactLinkSecrets(path: string, censor: string): string {
  const prefix = SECRET_PREFIXES.find((candidate) => path.startsWith(candidate));
  return prefix === undefined ? path : `${prefix}${censor}`;
}

const PAGE_ALLOW = 'GET, HEAD, OPTIONS';

/**
 * Serves the password reset and email verification pages the emailed links open, with their own
 * script and style, under a per-route CSP. A GET only shows a page: the POST that spends the
 * secret is the user's click, so a mail scanner prefetching the link changes nothing.
 */
export async function registerAccountPages(server: FastifyInstance): Promise<void> {
  overridePageHeaders(server, PAGE_HEADERS);
  for (const page of PAGES) {
    server.route({
      method: ALL_METHODS,
      url: page.path,
      handler: async (request, reply) => {
        reply.header('Allow', PAGE_ALLOW);
        if (request.method === 'GET' || request.method === 'HEAD') return reply.type('text/html; charset=utf-8').send(page.html);
        // As Django's View.options: the allowed methods, no body.
        if (request.method === 'OPTIONS') return reply.send();
        return reply.code(405).send({ detail: messages.methodNotAllowed(request.method) });
      },
    });
  }
  server.get(`${ASSETS_PATH}account-pages.js`, async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(SCRIPT));
  server.get(`${ASSETS_PATH}account-pages.css`, async (_request, reply) => reply.type('text/css; charset=utf-8').send(STYLE));
}
