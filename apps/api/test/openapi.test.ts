import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support.js';

interface Document {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>;
  components: {
    securitySchemes: Record<string, unknown>;
    schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
  };
}

let api: TestApi;
let document: Document;
beforeAll(async () => {
  api = await startTestApi();
  const res = await api.request('GET', '/api/schema/');
  expect(res.status).toBe(200);
  document = res.body as Document;
});
afterAll(async () => {
  await api?.stop();
});

// Served by the same process but described elsewhere: tRPC has its own typed router, the docs page
// is HTML about this document, and the emailed links' pages (and their assets) are HTML for people.
const undocumented = (url: string) =>
  ['/trpc', '/api/docs', '/password-reset/', '/verify-email/', '/pages/'].some((prefix) => url.startsWith(prefix));

describe('GET /api/schema/', () => {
  it('is a valid OpenAPI 3.1 document whose every $ref resolves', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it('describes every route the server registers', () => {
    // Fastify names a path parameter `:id`, OpenAPI `{id}`.
    const routes = api.app.server.registeredRoutes
      .filter((route) => !undocumented(route.url))
      .map((route) => ({ ...route, url: route.url.replace(/:([^/]+)/g, '{$1}') }));
    expect(routes.length).toBeGreaterThan(5);
    for (const { url } of routes) expect(document.paths, url).toHaveProperty([url]);
    // REST routes take every method (to answer 405); the ones with a view are the operations.
    const operations = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    for (const operation of operations) {
      const [method, url] = operation.split(' ') as [string, string];
      expect(routes, operation).toContainEqual({ method, url });
    }
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /api/users/registration/',
        'POST /api/users/login/',
        'POST /api/users/logout/',
        'POST /api/users/logout-all/',
        'GET /api/users/me/',
        'POST /api/users/password/change/',
        'POST /api/users/password/reset/',
        'POST /api/users/password/reset/confirm/',
        'POST /api/users/registration/verify-email/',
        'POST /api/users/registration/resend-email/',
        'GET /api/users/tokens/',
        'DELETE /api/users/tokens/{id}/',
        'POST /api/users/logout-others/',
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
      ]),
    );
  });

  it('lists, for each operation, the status the server gives a request with no body and no token', async () => {
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const res = await api.request(method.toUpperCase(), path, method === 'post' ? { body: {} } : {});
        expect(Object.keys(operation.responses), `${method} ${path} answered ${res.status}`).toContain(String(res.status));
      }
    }
  });

  it('declares the Token scheme and uses it where a token is needed', () => {
    expect(document.components.securitySchemes.Token).toEqual(
      expect.objectContaining({ type: 'apiKey', in: 'header', name: 'Authorization' }),
    );
    expect(document.paths['/api/users/me/']!.get!.security).toEqual([{ Token: [] }]);
    expect(document.paths['/api/users/login/']!.post!.security).toEqual([]);
    expect(document.paths['/api/users/me/']!.get!.responses).toHaveProperty('401');
  });

  it("derives bodies from the contract's zod schemas, with the constraints the server enforces", () => {
    const registration = document.components.schemas.RegistrationRequest!;
    expect(registration.required).toEqual(['first_name', 'last_name', 'email', 'password1', 'password2']);
    expect(registration.properties).toMatchObject({
      first_name: { type: 'string', minLength: 1, maxLength: 150 },
      email: { type: 'string', format: 'email' },
      password1: { type: 'string', minLength: 8, maxLength: 1024 },
    });
    expect(document.components.schemas.User!.required).toEqual(['id', 'first_name', 'last_name', 'email']);
    expect(document.components.schemas.LoginResponse!.properties).toMatchObject({ key: { pattern: '^[0-9a-f]{40}$' } });
  });
});
