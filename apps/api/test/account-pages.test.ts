import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium } from './browser.js';
import { johnDoe, lastMail, startTestApi, type TestApi } from './support.js';

const INVALID_LINK = 'This link is invalid or was already used.';

let api: TestApi;
let browser: Browser;
beforeAll(async () => {
  api = await startTestApi();
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
  expect((await api.request('POST', '/api/users/registration/', { body: johnDoe })).status).toBe(201);
});
afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

/**
 * A page that records console errors and warnings (CSP violations among them), uncaught errors and
 * every request it makes. Chromium logs each 4xx a fetch receives; the API's 400 and 404 answers
 * are what the pages exist to show, so only those are let through.
 */
async function watchedPage(): Promise<{ page: Page; problems: string[]; requests: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    const answeredByApi =
      /^Failed to load resource: the server responded with a status of 40[04] /.test(message.text()) &&
      message.location().url.startsWith(`${api.baseUrl}/api/users/`);
    if ((message.type() === 'error' || message.type() === 'warning') && !answeredByApi) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (request) => requests.push(`${request.method()} ${request.url()}`));
  return { page, problems, requests };
}

/** Opens `path` and checks the answer is a static page that keeps its secret to itself. */
async function open(page: Page, path: string, secret: string): Promise<void> {
  const response = await page.goto(`${api.baseUrl}${path}`);
  expect(response?.status()).toBe(200);
  const headers = response?.headers() ?? {};
  expect(headers['content-security-policy']).toBe(
    "default-src 'none'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; style-src 'self'",
  );
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['cache-control']).toBe('no-store');
  expect(await response?.text()).not.toContain(secret);
}

/** The status line's text once it shows. */
async function statusText(page: Page): Promise<string> {
  const status = page.locator('#status:not([hidden])');
  await status.waitFor();
  return status.innerText();
}

const emailVerifiedAt = async () =>
  (await api.app.database.db.selectFrom('users').select('email_verified_at').where('email', '=', johnDoe.email).executeTakeFirstOrThrow())
    .email_verified_at;

describe('the password reset page', () => {
  it('shows field errors, resets the password once, then calls the link invalid', async () => {
    expect((await api.request('POST', '/api/users/password/reset/', { body: { email: johnDoe.email } })).status).toBe(200);
    const { uid, token } = await lastMail(api, johnDoe.email, 'password_reset');
    const path = `/password-reset/${encodeURIComponent(uid)}/${encodeURIComponent(token)}/`;
    const { page, problems, requests } = await watchedPage();

    await open(page, path, token);
    await page.fill('#new_password1', 'Better456x');
    await page.fill('#new_password2', 'Other456x');
    await page.click('button[type=submit]');
    await page.locator('#new_password2-errors li').waitFor();
    expect(await page.locator('#new_password2-errors').innerText()).toBe('The two password fields did not match.');
    expect(await page.getAttribute('#new_password2', 'aria-invalid')).toBe('true');
    await page.screenshot({ path: `${ARTIFACTS}password-reset-page.png` });

    await page.fill('#new_password2', 'Better456x');
    await page.click('button[type=submit]');
    expect(await statusText(page)).toBe('Password has been reset with the new password. You can now log in with it.');
    expect(await page.locator('#new_password2-errors li').count()).toBe(0);
    const login = await api.request('POST', '/api/users/login/', { body: { email: johnDoe.email, password: 'Better456x' } });
    expect(login.status).toBe(200);

    await open(page, path, token);
    await page.fill('#new_password1', 'Third789x');
    await page.fill('#new_password2', 'Third789x');
    await page.click('button[type=submit]');
    expect(await statusText(page)).toBe(`${INVALID_LINK} Ask for a new password reset email.`);

    expect(problems).toEqual([]);
    expect(requests.filter((request) => !request.includes(api.baseUrl))).toEqual([]);
    await page.close();
  });
});

describe('the email verification page', () => {
  it('verifies on the click only, once', async () => {
    const { key } = await lastMail(api, johnDoe.email, 'email_verification');
    const path = `/verify-email/${encodeURIComponent(key)}/`;
    const { page, problems, requests } = await watchedPage();

    // A mail scanner fetching the link, script and all, must not verify anything.
    await open(page, path, key);
    await page.waitForLoadState('networkidle');
    expect(requests.filter((request) => request.startsWith('POST'))).toEqual([]);
    expect(await emailVerifiedAt()).toBeNull();

    await page.click('#verify-email-button');
    expect(await statusText(page)).toBe('Your email is verified.');
    expect(await emailVerifiedAt()).toBeInstanceOf(Date);
    expect(await page.locator('#verify-email-button').isHidden()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}verify-email-page.png` });

    await open(page, path, key);
    await page.click('#verify-email-button');
    expect(await statusText(page)).toBe(INVALID_LINK);

    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the pages over HTTP', () => {
  it('redirect a link without its slash, refuse other methods with 405, and keep secrets out of the URL they load', async () => {
    const redirect = await api.request('GET', '/verify-email/abc');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/verify-email/abc/');
    expect((await api.request('POST', '/password-reset/u/t')).status).toBe(308);

    const post = await api.request('POST', '/password-reset/u/t/');
    expect(post).toMatchObject({ status: 405, body: { detail: 'Method "POST" not allowed.' } });
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    const options = await api.request('OPTIONS', '/verify-email/abc/');
    expect(options).toMatchObject({ status: 200, text: '' });
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect((await api.request('GET', '/password-reset/only-uid/')).status).toBe(404);

    for (const asset of ['/pages/account-pages.js', '/pages/account-pages.css']) {
      const response = await api.request('GET', asset);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/(javascript|css); charset=utf-8$/);
    }
  });
});
