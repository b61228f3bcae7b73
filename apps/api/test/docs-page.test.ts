import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium } from './browser.js';
import { johnDoe, startTestApi, type TestApi } from './support.js';

let api: TestApi;
let browser: Browser;
beforeAll(async () => {
  api = await startTestApi();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

/** Opens an operation, puts `body` in its editor when given, presses Execute, and returns the live status and body. */
async function execute(page: Page, operation: string, body?: object): Promise<{ status: number; text: string }> {
  const block = page.locator(`#operations-${operation}`);
  await block.locator('.opblock-summary').first().click();
  if (body) await block.locator('textarea.body-param__text').fill(JSON.stringify(body));
  await block.locator('button.execute').click();
  const live = block.locator('.live-responses-table .response');
  await live.first().waitFor();
  const status = Number((await live.locator('.response-col_status').first().innerText()).trim());
  const text = await live.locator('.response-col_description pre').first().innerText();
  return { status, text };
}

describe('the docs page at /api/docs/', () => {
  it('lets a person register, log in and call me from the page, loading nothing from elsewhere', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    const response = await page.goto(`${api.baseUrl}/api/docs/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('#operations-users-login').waitFor();

    // Subscribers find the events' AsyncAPI document from here, and the link leads to it.
    const eventsLink = page.getByRole('link', { name: /AsyncAPI/ });
    const eventsSchema = await page.request.get(new URL((await eventsLink.getAttribute('href')) ?? '', page.url()).href);
    expect(eventsSchema.status()).toBe(200);
    expect(await eventsSchema.json()).toMatchObject({ asyncapi: '3.0.0' });

    const registered = await execute(page, 'users-register', johnDoe);
    expect(registered.status).toBe(201);
    expect(JSON.parse(registered.text)).toMatchObject({ email: johnDoe.email });

    const login = await execute(page, 'users-login', { email: johnDoe.email, password: johnDoe.password1 });
    expect(login.status).toBe(200);
    expect(JSON.parse(login.text)).toEqual({ key: expect.stringMatching(/^[0-9a-f]{40}$/) });

    // The login authorised the page with its token, so `me` answers for John.
    const me = await execute(page, 'users-me');
    expect(me.status).toBe(200);
    expect(JSON.parse(me.text)).toMatchObject({ first_name: 'John', email: johnDoe.email });

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}docs-page.png`, fullPage: true });

    expect(problems).toEqual([]);
    expect(requested.filter((url) => !url.startsWith(api.baseUrl) && !url.startsWith('data:'))).toEqual([]);
    await page.close();
  });

  it('keeps the strict CSP on everything but the docs page', async () => {
    const schema = await api.request('GET', '/api/schema/');
    expect(schema.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    const redirect = await api.request('GET', '/api/docs');
    expect(redirect).toMatchObject({ status: 301 });
    expect(redirect.headers.get('location')).toBe('/api/docs/');
  });
});
