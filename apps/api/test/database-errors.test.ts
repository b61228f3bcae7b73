import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { johnDoe, startTestApi, type TestApi } from './support.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
  await api.request('POST', '/api/users/registration/', { body: johnDoe });
});
afterAll(async () => {
  await api?.stop();
});

describe('a database error that is our bug', () => {
  it('answers a bare 500 on REST and tRPC alike: no SQL, no PostgreSQL message, no stack', async () => {
    // A schema the code does not expect, on this file's own database: every query on users fails.
    await sql`alter table users rename to users_elsewhere`.execute(api.app.database.db);
    try {
      const credentials = { email: johnDoe.email, password: johnDoe.password1 };
      const rest = await api.request('POST', '/api/users/login/', { body: credentials });
      expect(rest.status).toBe(500);
      expect(rest.body).toEqual({ detail: 'A server error occurred.' });
      const rpc = await api.request('POST', '/trpc/auth.login', { body: credentials });
      expect(rpc.status).toBe(500);
      expect(rpc.body).toMatchObject({
        error: {
          message: 'A server error occurred.',
          data: { code: 'INTERNAL_SERVER_ERROR', details: { detail: 'A server error occurred.' } },
        },
      });
      for (const text of [rest.text, rpc.text]) expect(text).not.toMatch(/users|relation|select|stack|\.ts:/i);
    } finally {
      await sql`alter table users_elsewhere rename to users`.execute(api.app.database.db);
    }
  });
});
