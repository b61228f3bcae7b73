import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { footprint, type Footprint } from './consistency.js';
import { johnDoe, startTestApi, type TestApi } from './support.js';

// Property runs stay bounded so the whole file takes seconds, not minutes; a failure prints the
// seed to replay it with.
const RUNS = 200;
const REQUEST_TIMEOUT_MS = 5_000;

let api: TestApi;
let before: Footprint;
beforeAll(async () => {
  api = await startTestApi();
  // One real account, so generated credentials and tokens meet an existing user too.
  await api.request('POST', '/api/users/registration/', { body: johnDoe });
  await api.request('POST', '/api/users/login/', { body: { email: johnDoe.email, password: johnDoe.password1 } });
  before = await footprint(api.app.database.db);
});
afterAll(async () => {
  await api?.stop();
});

/** A string PostgreSQL cannot store in a text column: a NUL, or a UTF-16 surrogate with no partner. */
const unstorable = fc
  .tuple(fc.string({ maxLength: 12 }), fc.oneof(fc.constant(0), fc.integer({ min: 0xd800, max: 0xdfff })), fc.string({ maxLength: 12 }))
  .map(([before, code, after]) => ({ text: `${before}${String.fromCharCode(code)}${after}`, code }));

/** Strings that stress parsers: odd Unicode, control characters, lone surrogates, huge ones. */
const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '\u0000',
    '\u202e\u0041',
    '\ud800',
    'a\u0000b@example.com',
    ' john.doe@example.com ',
    '\ufeff',
    'Ｐａｓｓ１２３４５',
    '👩‍👩‍👧‍👦'.repeat(50),
  ),
  fc.integer({ min: 150, max: 70_000 }).map((n) => 'x'.repeat(n)),
  unstorable.map(({ text }) => text),
);

/** Any JSON value, weighted toward the shapes a careless client sends. */
const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.constantFrom(null, true, false, 0, -1, 1e308, [], {}),
  fc.double(),
  fc.array(nastyString, { maxLength: 3 }),
  fc.dictionary(nastyString, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }),
  fc.jsonValue({ maxDepth: 4 }),
);

const FIELDS = ['first_name', 'last_name', 'email', 'password', 'password1', 'password2', '__proto__', 'constructor'];

/** A body with the contract's field names (or others) holding wrong values, as JSON text. */
const fieldBody = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...FIELDS), nastyString), jsonValue), { maxLength: 7 })
  // Written by hand so that a key can repeat, which JSON.stringify of an object cannot do.
  .map((pairs) => `{${pairs.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`);

/** Raw text that is not JSON, or barely is. */
const brokenText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{',
    '{"email":',
    '[1,2',
    '{"a":1}}',
    'null',
    '"str"',
    '1',
    'true',
    '\u0000',
    '{"email":"a"\u0000}',
    '%%%',
    'email=%ZZ&password',
  ),
  fc.jsonValue().map((v) => JSON.stringify(v)),
);

const body = fc.oneof(
  fieldBody,
  brokenText,
  jsonValue.map((v) => JSON.stringify(v) ?? ''),
);

const contentType = fc.option(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'application/x-www-form-urlencoded',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/',
    ';;;',
    'application/json, text/plain',
    'APPLICATION/JSON',
  ),
  { nil: undefined },
);

// Header values a client can put on the wire: tab, visible ASCII and Latin-1 bytes (sent as is,
// so they reach the server as bytes that may not be UTF-8).
const headerChar = fc
  .oneof(fc.constant('\t'), fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }))
  .map((c) => (typeof c === 'string' ? c : String.fromCharCode(c)));
const headerText = fc.string({ unit: headerChar, maxLength: 80 }).map((s) => s.trim());

/** Authorization headers of every sort except a live token, which would succeed. */
const authorization = fc.option(
  fc.oneof(
    headerText,
    headerText.map((s) => `Token ${s}`),
    fc.constantFrom(
      'Token',
      'Token ',
      'token',
      'TOKEN  ',
      'Token a b',
      'Bearer abc',
      'Basic am9objpkb2U=',
      'Token\t\tabc',
      'Token ' + 'f'.repeat(40),
      'Token ' + 'x'.repeat(5000),
    ),
    fc.stringMatching(/^[0-9a-f]{40}$/).map((hex) => `Token ${hex}`),
    fc.tuple(fc.constantFrom('Token', 'token', 'Bearer', ''), headerText, headerText).map((parts) => parts.join(' ')),
  ),
  { nil: undefined },
);

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: unknown;
}

async function send(method: string, path: string, init: { body?: string; contentType?: string; authorization?: string }): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.contentType !== undefined) headers['content-type'] = init.contentType;
  if (init.authorization !== undefined) headers.authorization = init.authorization;
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers,
    body: method === 'GET' ? undefined : init.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), body: JSON.parse(text) as unknown };
}

/** True for a DRF error body: `{"detail": "..."}`, or fields each with a list of messages. */
function isDrfErrorBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const entries = Object.entries(body);
  if (entries.length === 0) return false;
  if ('detail' in body) return entries.length === 1 && typeof body.detail === 'string';
  return entries.every(([, messages]) => Array.isArray(messages) && messages.length > 0 && messages.every((m) => typeof m === 'string'));
}

function expectClientError(answer: Answer): void {
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  expect(answer.contentType).toMatch(/^application\/json/);
  expect(isDrfErrorBody(answer.body), JSON.stringify(answer.body)).toBe(true);
}

const REST = [
  { method: 'POST', path: '/api/users/registration/' },
  { method: 'POST', path: '/api/users/login/' },
  { method: 'POST', path: '/api/users/logout/' },
  { method: 'POST', path: '/api/users/logout-all/' },
  { method: 'GET', path: '/api/users/me/' },
  // Wrong methods get DRF's 405 whatever else is wrong.
  { method: 'PUT', path: '/api/users/login/' },
  { method: 'DELETE', path: '/api/users/me/' },
  { method: 'PATCH', path: '/api/users/registration/' },
];

describe('generated bad input at every REST endpoint', () => {
  it.each(REST)('$method $path answers 4xx with a DRF error body, never 5xx or a hang', async ({ method, path }) => {
    await fc.assert(
      fc.asyncProperty(body, contentType, authorization, async (text, type, auth) => {
        expectClientError(await send(method, path, { body: text, contentType: type, authorization: auth }));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('generated bad input at the tRPC procedures', () => {
  it.each(['auth.register', 'auth.login', 'auth.logout', 'auth.logoutAll'])('%s answers 4xx with JSON, never 5xx', async (procedure) => {
    await fc.assert(
      fc.asyncProperty(body, authorization, async (text, auth) => {
        const answer = await send('POST', `/trpc/${procedure}`, { body: text, contentType: 'application/json', authorization: auth });
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        // What Fastify refuses before tRPC reads it (a body over the limit) keeps the DRF shape.
        const shaped =
          isDrfErrorBody(answer.body) ||
          (answer.body as { error?: { data?: { httpStatus?: number } } }).error?.data?.httpStatus === answer.status;
        expect(shaped, JSON.stringify(answer.body).slice(0, 300)).toBe(true);
      }),
      { numRuns: RUNS / 2 },
    );
  });
});

/** DRF's messages for the two: its ProhibitNullCharactersValidator's and ProhibitSurrogateCharactersValidator's. */
const refusal = (code: number) =>
  code === 0 ? 'Null characters are not allowed.' : `Surrogate characters are not allowed: U+${code.toString(16).toUpperCase()}.`;

const STRING_FIELDS = [
  { name: 'register', rest: '/api/users/registration/', valid: () => ({ ...johnDoe, email: `u-${Math.random()}@example.com` }) },
  { name: 'login', rest: '/api/users/login/', valid: () => ({ email: johnDoe.email, password: johnDoe.password1 }) },
].flatMap((endpoint) => Object.keys(endpoint.valid()).map((field) => ({ ...endpoint, field })));

describe('strings PostgreSQL cannot store (NUL, lone surrogates), in every string field', () => {
  it.each(STRING_FIELDS)(
    "$name $field: 400 with the field's error over REST and tRPC, nothing from the database",
    async ({ name, rest, valid, field }) => {
      await fc.assert(
        fc.asyncProperty(unstorable, async ({ text, code }) => {
          const body = JSON.stringify({ ...valid(), [field]: text });
          const overRest = await send('POST', rest, { body, contentType: 'application/json' });
          expect(overRest.status).toBe(400);
          expect((overRest.body as Record<string, unknown>)[field]).toEqual(expect.arrayContaining([refusal(code)]));
          const overTrpc = await send('POST', `/trpc/auth.${name}`, { body, contentType: 'application/json' });
          expect(overTrpc.status).toBe(400);
          expect(overTrpc.body).toMatchObject({
            error: { data: { code: 'BAD_REQUEST', details: { [field]: expect.arrayContaining([refusal(code)]) } } },
          });
        }),
        { numRuns: RUNS / 4 },
      );
    },
  );
});

/** Sends raw bytes on a new connection and returns all the server wrote back before closing. */
function sendRaw(bytes: string): Promise<string> {
  const url = new URL(api.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy(new Error('no answer in time')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.end(Buffer.from(bytes, 'latin1'));
  });
}

describe('broken HTTP', () => {
  const request = (headers: string, body = '') =>
    `POST /api/users/login/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${headers}\r\n${body}`;

  it.each([
    ['a header line without a colon', request('Authorization Token abc\r\n')],
    ['a space before the colon', request('Content-Type : application/json\r\n')],
    ['a control character in a header value', request('Authorization: Token a\u0001b\r\n')],
    ['a bad Content-Length', request('Content-Length: abc\r\n', '{}')],
    ['two different Content-Lengths', request('Content-Length: 2\r\nContent-Length: 3\r\n', '{}')],
    ['Content-Length and chunked together', request('Content-Length: 2\r\nTransfer-Encoding: chunked\r\n', '{}')],
    ['a broken chunk', request('Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n', 'zz\r\n{}\r\n0\r\n\r\n')],
    ['headers far too large', request(`X-Big: ${'a'.repeat(20_000)}\r\n`)],
    ['a garbage request line', 'HELLO\r\n\r\n'],
  ])('answers %s with a 4xx DRF body', async (_, raw) => {
    const answer = await sendRaw(raw);
    const [head = '', payload = ''] = answer.split('\r\n\r\n', 2);
    expect(head).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect(head.toLowerCase()).toContain('content-type: application/json');
    expect(isDrfErrorBody(JSON.parse(payload))).toBe(true);
  });

  it('answers generated garbage headers with a 4xx DRF body', async () => {
    const garbage = fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 60 });
    await fc.assert(
      fc.asyncProperty(garbage, async (line) => {
        const answer = await sendRaw(request(`${line.replace(/\r\n/g, '')}\r\n`, ''));
        const [head = '', payload = ''] = answer.split('\r\n\r\n', 2);
        const status = Number(head.slice(9, 12));
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
        expect(isDrfErrorBody(JSON.parse(payload))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('after all of it', () => {
  it('left the database as it was: no user, token or event beyond the failed logins', async () => {
    expect(await footprint(api.app.database.db)).toEqual(before);
  });
});
