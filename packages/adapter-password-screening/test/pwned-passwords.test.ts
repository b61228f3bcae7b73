import { createHash } from 'node:crypto';
import type { PasswordCandidate } from '@authsvc/domain';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PwnedPasswordsPolicy, type PwnedPasswordsOptions, type PwnedPasswordsUnavailableError } from '../src/index.js';
import { PWNED_PASSWORDS_URL, servePwnedPasswordsRange } from '../src/testing/index.js';

// Nothing reaches the internet: an unserved request fails the test's fetch.
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const candidate = (password: string): PasswordCandidate => ({ password, firstName: null, lastName: null, email: null });
const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex').toUpperCase();

/** A policy on the real API's address, recording what it was told of failures. */
function policyWith(options: Partial<PwnedPasswordsOptions> = {}) {
  const failures: PwnedPasswordsUnavailableError[] = [];
  const policy = new PwnedPasswordsPolicy({
    baseUrl: PWNED_PASSWORDS_URL,
    timeoutMs: 2_000,
    onError: 'allow',
    onUnavailable: (error) => failures.push(error),
    ...options,
  });
  return { policy, failures };
}

describe('PwnedPasswordsPolicy against the range API', () => {
  it('refuses a password seen in breaches, sending only the first 5 hex of its SHA-1 and Add-Padding', async () => {
    const api = servePwnedPasswordsRange({ breached: { 'P@ssw0rd!': 51_234 } });
    server.use(api.handler);
    const { policy, failures } = policyWith();

    expect(await policy.screen(candidate('P@ssw0rd!'))).toEqual([{ kind: 'breached' }]);
    expect(api.requests).toEqual([{ prefix: sha1('P@ssw0rd!').slice(0, 5), addPadding: 'true' }]);
    expect(failures).toEqual([]);
  });

  it('sends nothing of the password but the prefix: the URL is /range/<prefix> and no body', async () => {
    const seen: { url: string; body: string }[] = [];
    server.use(
      http.get(`${PWNED_PASSWORDS_URL}/range/:prefix`, async ({ request }) => {
        seen.push({ url: request.url, body: await request.text() });
        return HttpResponse.text('');
      }),
    );
    await policyWith().policy.screen(candidate('correct horse'));
    expect(seen).toEqual([{ url: `${PWNED_PASSWORDS_URL}/range/${sha1('correct horse').slice(0, 5)}`, body: '' }]);
  });

  it('accepts a password the range does not list, among breached suffixes and padding', async () => {
    server.use(servePwnedPasswordsRange({ breached: { 'P@ssw0rd!': 3 } }).handler);
    expect(await policyWith().policy.screen(candidate('vellum-Quarry-71-otter'))).toEqual([]);
  });

  it('accepts a password whose suffix is only a padding line with count 0', async () => {
    server.use(servePwnedPasswordsRange({ padded: ['Padded-But-Fine-5'] }).handler);
    expect(await policyWith().policy.screen(candidate('Padded-But-Fine-5'))).toEqual([]);
  });

  it('reads lowercase hex and LF line ends too', async () => {
    const digest = sha1('Tr0ub4dor&3');
    server.use(http.get(`${PWNED_PASSWORDS_URL}/range/:prefix`, () => HttpResponse.text(`${digest.slice(5).toLowerCase()}:2\n`)));
    expect(await policyWith().policy.screen(candidate('Tr0ub4dor&3'))).toEqual([{ kind: 'breached' }]);
  });

  it('asks once for a range and caches it, concurrent lookups included', async () => {
    const api = servePwnedPasswordsRange({ breached: { 'P@ssw0rd!': 9 } });
    server.use(api.handler);
    const { policy } = policyWith();

    const results = await Promise.all([1, 2, 3].map(() => policy.screen(candidate('P@ssw0rd!'))));
    expect(results).toEqual([[{ kind: 'breached' }], [{ kind: 'breached' }], [{ kind: 'breached' }]]);
    expect(await policy.screen(candidate('P@ssw0rd!'))).toEqual([{ kind: 'breached' }]);
    expect(api.requests).toHaveLength(1);
  });

  it('honours a base URL with a path', async () => {
    const api = servePwnedPasswordsRange({ breached: { 'P@ssw0rd!': 1 }, baseUrl: 'http://127.0.0.1:9/pwned' });
    server.use(api.handler);
    expect(await policyWith({ baseUrl: 'http://127.0.0.1:9/pwned/' }).policy.screen(candidate('P@ssw0rd!'))).toEqual([
      { kind: 'breached' },
    ]);
  });
});

describe('PwnedPasswordsPolicy when the range API fails', () => {
  const failingWith = {
    timeout: () => http.get(`${PWNED_PASSWORDS_URL}/range/:prefix`, () => delay('infinite')),
    status: () => http.get(`${PWNED_PASSWORDS_URL}/range/:prefix`, () => new HttpResponse('busy', { status: 503 })),
    network: () => http.get(`${PWNED_PASSWORDS_URL}/range/:prefix`, () => HttpResponse.error()),
    malformed: () => http.get(`${PWNED_PASSWORDS_URL}/range/:prefix`, () => HttpResponse.text('<html>maintenance</html>')),
  } as const;

  for (const [reason, handler] of Object.entries(failingWith)) {
    it(`allows the password with ON_ERROR=allow on ${reason}, and reports why`, async () => {
      server.use(handler());
      const { policy, failures } = policyWith({ onError: 'allow', timeoutMs: 300 });
      expect(await policy.screen(candidate('P@ssw0rd!'))).toEqual([]);
      expect(failures.map((failure) => failure.reason)).toEqual([reason]);
    });

    it(`reports the password unverifiable with ON_ERROR=deny on ${reason}`, async () => {
      server.use(handler());
      const { policy, failures } = policyWith({ onError: 'deny', timeoutMs: 300 });
      expect(await policy.screen(candidate('P@ssw0rd!'))).toEqual([{ kind: 'unverifiable' }]);
      expect(failures.map((failure) => failure.reason)).toEqual([reason]);
    });
  }

  it('gives up on a silent API after its timeout, well within the request deadline', async () => {
    server.use(failingWith.timeout());
    const started = Date.now();
    await policyWith({ timeoutMs: 300 }).policy.screen(candidate('P@ssw0rd!'));
    // A fault bound, not a performance figure: the 10 s default request deadline must never be reached.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('does not cache a failure: the next lookup asks again', async () => {
    server.use(failingWith.status());
    const { policy } = policyWith();
    expect(await policy.screen(candidate('P@ssw0rd!'))).toEqual([]);

    server.resetHandlers(servePwnedPasswordsRange({ breached: { 'P@ssw0rd!': 4 } }).handler);
    expect(await policy.screen(candidate('P@ssw0rd!'))).toEqual([{ kind: 'breached' }]);
  });
});
