import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCliApp, type CliApp } from '../src/cli-composition-root.js';
import { loadConfig } from '../src/config.js';
import { testApiEnv } from '../src/testing/index.js';
import { johnDoe, startTestApi, type TestApi } from './support.js';

describe("the CLI's composition root", () => {
  let api: TestApi;
  let cli: CliApp;
  beforeAll(async () => {
    api = await startTestApi({ OUTBOX_POLL_INTERVAL_MS: '20' });
    cli = await openCliApp(loadConfig(testApiEnv(api.app.database.url)));
  });
  afterAll(async () => {
    await cli?.close();
    await api?.stop();
  });

  it('disables and enables an account through the use case, which the running API then enforces', async () => {
    expect((await api.request('POST', '/api/users/registration/', { body: johnDoe })).status).toBe(201);
    const disabled = await cli.service.setUserActive(johnDoe.email, false);
    expect(disabled).toMatchObject({ ok: true, value: { email: johnDoe.email } });
    const refused = await api.request('POST', '/api/users/login/', { body: { email: johnDoe.email, password: 'Password123' } });
    expect(refused.body).toEqual({ non_field_errors: ['User account is disabled.'] });
    expect((await cli.service.setUserActive(johnDoe.email, true)).ok).toBe(true);
    expect((await api.request('POST', '/api/users/login/', { body: { email: johnDoe.email, password: 'Password123' } })).status).toBe(200);
    expect(await cli.service.setUserActive('nobody@example.com', false)).toMatchObject({ ok: false, error: { code: 'user_not_found' } });
  });

  it("lists the account's audit trail, oldest first, the newest N with a limit", async () => {
    await api.app.events!.flush();
    const events = await cli.listAuditEvents(johnDoe.email);
    expect(events.map((event) => event.type)).toEqual(['user.registered', 'user.login_failed', 'user.logged_in']);
    expect((await cli.listAuditEvents(johnDoe.email, 1)).map((event) => event.type)).toEqual(['user.logged_in']);
  });
});
