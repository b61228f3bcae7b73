import { inMemoryAuth, ListedPasswordPolicy, noThrottles } from '@authsvc/testing';
import { describe, expect, it } from 'vitest';
import { decodeUid, encodeUid, type Authenticated, type MailRequest } from '../src/index.js';
import { aContext, aRegistration } from './mothers.js';

type Auth = ReturnType<typeof inMemoryAuth>;

/** A registered user logged in from `devices` places; the mail and outbox start empty. */
async function withDevices(devices = 3, settings: Parameters<typeof inMemoryAuth>[0] = {}, auth = inMemoryAuth(settings)) {
  await auth.service.register(aRegistration(), aContext());
  const keys: string[] = [];
  for (let n = 0; n < devices; n++) {
    auth.clock.advance(1);
    const login = await auth.service.login(
      { email: 'john.doe@example.com', password: 'Password123' },
      aContext({ ip: `198.51.100.${n}`, userAgent: `device-${n}` }),
    );
    if (!login.ok) throw new Error('expected login');
    keys.push(login.value.key);
  }
  auth.store.state.outbox = [];
  auth.store.state.mail = [];
  return { ...auth, keys };
}

async function caller(auth: Auth, key: string): Promise<Authenticated> {
  const result = await auth.service.authenticate(key, aContext());
  if (!result.ok) throw new Error(`expected ${key} to authenticate`);
  return result.value;
}

const live = async (auth: Auth, key: string) => (await auth.service.authenticate(key, aContext())).ok;

/** The only email queued, of the kind expected. */
function onlyMail<K extends MailRequest['kind']>(auth: Auth, kind: K): Extract<MailRequest, { kind: K }> {
  expect(auth.store.state.mail.map((mail) => mail.kind)).toEqual([kind]);
  return auth.store.state.mail[0] as Extract<MailRequest, { kind: K }>;
}

const newPassword = (over: Record<string, string> = {}) => ({ oldPassword: 'Password123', newPassword: 'Better456x', ...over });

describe('uid', () => {
  it('round-trips account ids in base 36 and names none for anything else', () => {
    for (const id of [1, 35, 36, 123_456, 2_147_483_647]) expect(decodeUid(encodeUid(id))).toBe(id);
    for (const uid of ['', '0', '-1', 'zzzzzzzz', '1.5', 'a b', 'ü', '2147483648'.padStart(8, '9')]) expect(decodeUid(uid)).toBeNull();
  });
});

describe('changePassword', () => {
  it("sets the password, revokes the caller's other tokens only, and records how many", async () => {
    const auth = await withDevices(3);
    const [keep, other1, other2] = auth.keys as [string, string, string];
    const result = await auth.service.changePassword(await caller(auth, keep), newPassword(), aContext());

    expect(result).toEqual({ ok: true, value: { revokedTokens: 2 } });
    expect(await live(auth, keep)).toBe(true);
    expect(await live(auth, other1)).toBe(false);
    expect(await live(auth, other2)).toBe(false);
    expect((await auth.service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext())).ok).toBe(false);
    expect((await auth.service.login({ email: 'john.doe@example.com', password: 'Better456x' }, aContext())).ok).toBe(true);
    expect(auth.store.state.outbox[0]).toMatchObject({ type: 'user.password_changed', data: { revokedTokens: 2 } });
  });

  it('refuses a wrong old password, changes nothing, and counts it against the login lockout', async () => {
    const lockout = { failuresBeforeLockout: 2, baseSeconds: 60, maxSeconds: 60, failureWindowSeconds: 3600 };
    const auth = await withDevices(2, { throttle: { ...noThrottles, lockout } });
    const me = await caller(auth, auth.keys[0]!);

    expect(await auth.service.changePassword(me, newPassword({ oldPassword: 'Wrong1234' }), aContext())).toEqual({
      ok: false,
      error: { code: 'wrong_old_password' },
    });
    expect(await auth.service.changePassword(me, newPassword({ oldPassword: 'Wrong1234' }), aContext())).toEqual({
      ok: false,
      error: { code: 'wrong_old_password' },
    });
    // The lockout now holds even for the right old password, as it would for a login.
    expect(await auth.service.changePassword(me, newPassword(), aContext())).toMatchObject({ ok: false, error: { code: 'throttled' } });
    expect(await live(auth, auth.keys[1]!)).toBe(true);
    expect(auth.store.state.outbox).toEqual([]);
  });

  it('screens the new password as registration does, and keeps everything on refusal', async () => {
    const auth = await withDevices(2, {}, inMemoryAuth({}, new ListedPasswordPolicy({ Better456x: [{ kind: 'too_common' }] })));
    const result = await auth.service.changePassword(await caller(auth, auth.keys[0]!), newPassword(), aContext());
    expect(result).toEqual({ ok: false, error: { code: 'password_rejected', problems: [{ kind: 'too_common' }] } });
    expect(await live(auth, auth.keys[1]!)).toBe(true);
  });

  it('kills a reset link mailed before the change', async () => {
    const auth = await withDevices(1);
    await auth.service.requestPasswordReset({ email: 'john.doe@example.com' }, aContext());
    const { uid, token } = onlyMail(auth, 'password_reset');
    await auth.service.changePassword(await caller(auth, auth.keys[0]!), newPassword(), aContext());
    expect(await auth.service.confirmPasswordReset({ uid, token, newPassword: 'Third789y' }, aContext())).toEqual({
      ok: false,
      error: { code: 'reset_token_invalid' },
    });
  });
});

describe('password reset', () => {
  it('queues one email with a token stored only as its digest, and the event carries no secret', async () => {
    const auth = await withDevices(1);
    expect(await auth.service.requestPasswordReset({ email: ' JOHN.DOE@example.com' }, aContext())).toEqual({ ok: true, value: undefined });

    const mail = onlyMail(auth, 'password_reset');
    expect(mail).toMatchObject({ to: 'john.doe@example.com', firstName: 'John', uid: encodeUid(1) });
    expect(mail.token).toMatch(/^[0-9a-f]{40}$/);
    const [code] = [...auth.store.state.codes.values()].filter((stored) => stored.purpose === 'password_reset');
    expect(code).toMatchObject({ purpose: 'password_reset', userId: 1, digest: auth.deps.secrets.digest(mail.token) });
    expect(code!.expiresAt.getTime() - auth.clock.now().getTime()).toBe(3_600_000);
    expect(auth.store.state.outbox).toMatchObject([{ type: 'user.password_reset_requested', userId: 1 }]);
    expect(JSON.stringify(auth.store.state.outbox)).not.toContain(mail.token);
  });

  it('answers an unknown or disabled email the same, sending nothing', async () => {
    const auth = await withDevices(0);
    await auth.service.setUserActive('john.doe@example.com', false);
    for (const email of ['nobody@example.com', 'john.doe@example.com']) {
      expect(await auth.service.requestPasswordReset({ email }, aContext())).toEqual({ ok: true, value: undefined });
    }
    expect(auth.store.state.mail).toEqual([]);
    expect([...auth.store.state.codes.values()].filter((code) => code.purpose === 'password_reset')).toEqual([]);
    expect(auth.store.state.outbox.map((event) => [event.type, event.userId])).toEqual([
      ['user.password_reset_requested', null],
      ['user.password_reset_requested', null],
    ]);
  });

  it('throttles per client address and per recipient, for unknown emails too', async () => {
    const passwordResetRate = { requests: 2, windowSeconds: 3600 };
    const auth = await withDevices(0, { throttle: { ...noThrottles, passwordResetRate } });
    const ask = (email: string, ip: string) => auth.service.requestPasswordReset({ email }, aContext({ ip }));

    expect((await ask('nobody@example.com', '192.0.2.1')).ok).toBe(true);
    expect((await ask('NOBODY@example.com', '192.0.2.2')).ok).toBe(true);
    expect(await ask('nobody@example.com', '192.0.2.3')).toMatchObject({ ok: false, error: { code: 'throttled' } });
    expect((await ask('john.doe@example.com', '192.0.2.4')).ok).toBe(true);
    expect((await ask('other@example.com', '192.0.2.4')).ok).toBe(true);
    expect(await ask('third@example.com', '192.0.2.4')).toMatchObject({ ok: false, error: { code: 'throttled' } });
  });

  it('sets the password with the token once, revokes every token, and spends every other link', async () => {
    const auth = await withDevices(2);
    await auth.service.requestPasswordReset({ email: 'john.doe@example.com' }, aContext());
    await auth.service.requestPasswordReset({ email: 'john.doe@example.com' }, aContext());
    const [first, second] = auth.store.state.mail as [
      Extract<MailRequest, { kind: 'password_reset' }>,
      Extract<MailRequest, { kind: 'password_reset' }>,
    ];
    auth.store.state.outbox = [];

    const confirm = { uid: second.uid, token: second.token, newPassword: 'Better456x' };
    expect(await auth.service.confirmPasswordReset(confirm, aContext())).toEqual({ ok: true, value: { revokedTokens: 2 } });
    for (const key of auth.keys) expect(await live(auth, key)).toBe(false);
    expect((await auth.service.login({ email: 'john.doe@example.com', password: 'Better456x' }, aContext())).ok).toBe(true);
    expect(auth.store.state.outbox[0]).toMatchObject({ type: 'user.password_reset', data: { revokedTokens: 2 } });

    expect(await auth.service.confirmPasswordReset(confirm, aContext())).toEqual({ ok: false, error: { code: 'reset_token_invalid' } });
    expect(await auth.service.confirmPasswordReset({ ...confirm, token: first.token }, aContext())).toEqual({
      ok: false,
      error: { code: 'reset_token_invalid' },
    });
  });

  it('refuses an expired token, a bad uid, and a token presented with another account uid', async () => {
    const auth = await withDevices(0);
    await auth.service.register(aRegistration({ email: 'jane@example.com', firstName: 'Jane' }), aContext());
    auth.store.state.mail = [];
    await auth.service.requestPasswordReset({ email: 'john.doe@example.com' }, aContext());
    const { uid, token } = onlyMail(auth, 'password_reset');
    const confirm = (over: Partial<{ uid: string; token: string }>) =>
      auth.service.confirmPasswordReset({ uid, token, newPassword: 'Better456x', ...over }, aContext());

    expect(await confirm({ uid: 'zzzzzzzzzz' })).toEqual({ ok: false, error: { code: 'reset_uid_invalid' } });
    expect(await confirm({ uid: encodeUid(99) })).toEqual({ ok: false, error: { code: 'reset_uid_invalid' } });
    expect(await confirm({ uid: encodeUid(2) })).toEqual({ ok: false, error: { code: 'reset_token_invalid' } });
    expect(await confirm({ token: '0'.repeat(40) })).toEqual({ ok: false, error: { code: 'reset_token_invalid' } });
    auth.clock.advance(3_600);
    expect(await confirm({})).toEqual({ ok: false, error: { code: 'reset_token_invalid' } });
  });

  it('keeps the link usable when the new password is refused', async () => {
    const auth = await withDevices(0, {}, inMemoryAuth({}, new ListedPasswordPolicy({ Common123: [{ kind: 'too_common' }] })));
    await auth.service.requestPasswordReset({ email: 'john.doe@example.com' }, aContext());
    const { uid, token } = onlyMail(auth, 'password_reset');
    expect(await auth.service.confirmPasswordReset({ uid, token, newPassword: 'Common123' }, aContext())).toMatchObject({
      ok: false,
      error: { code: 'password_rejected' },
    });
    expect((await auth.service.confirmPasswordReset({ uid, token, newPassword: 'Better456x' }, aContext())).ok).toBe(true);
  });
});

describe('email verification', () => {
  it('mails a key at registration, which verifies the email once', async () => {
    const auth = inMemoryAuth();
    await auth.service.register(aRegistration(), aContext());
    const { key, to } = onlyMail(auth, 'email_verification');
    expect(to).toBe('john.doe@example.com');
    auth.store.state.outbox = [];

    expect(await auth.service.verifyEmail({ key }, aContext())).toEqual({ ok: true, value: undefined });
    expect(auth.store.state.users.get(1)?.emailVerified).toBe(true);
    expect(auth.store.state.outbox).toMatchObject([{ type: 'user.email_verified', userId: 1, data: { email: 'john.doe@example.com' } }]);
    expect(await auth.service.verifyEmail({ key }, aContext())).toEqual({ ok: false, error: { code: 'not_found' } });
    expect(await auth.service.verifyEmail({ key: 'nonsense' }, aContext())).toEqual({ ok: false, error: { code: 'not_found' } });
  });

  it('refuses an expired key', async () => {
    const auth = inMemoryAuth({ emailVerificationTimeoutSeconds: 60 });
    await auth.service.register(aRegistration(), aContext());
    const { key } = onlyMail(auth, 'email_verification');
    auth.clock.advance(60);
    expect(await auth.service.verifyEmail({ key }, aContext())).toEqual({ ok: false, error: { code: 'not_found' } });
  });

  it('lets an unverified user log in unless verification is required, and then only after verifying', async () => {
    const open = await withDevices(0);
    expect((await open.service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext())).ok).toBe(true);

    const gated = inMemoryAuth({ requireEmailVerification: true });
    await gated.service.register(aRegistration(), aContext());
    const { key } = onlyMail(gated, 'email_verification');
    gated.store.state.outbox = [];
    const login = () => gated.service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext());
    expect(await login()).toEqual({ ok: false, error: { code: 'email_not_verified' } });
    expect(await gated.service.login({ email: 'john.doe@example.com', password: 'Wrong12345' }, aContext())).toEqual({
      ok: false,
      error: { code: 'invalid_credentials' },
    });
    expect(gated.store.state.outbox.map((event) => event.type === 'user.login_failed' && event.data.reason)).toEqual([
      'unverified',
      'bad_credentials',
    ]);
    await gated.service.verifyEmail({ key }, aContext());
    expect((await login()).ok).toBe(true);
  });

  it('resends a fresh key only to an unverified, active account, answering the same for any email', async () => {
    const auth = inMemoryAuth();
    await auth.service.register(aRegistration(), aContext());
    auth.store.state.mail = [];
    for (const email of ['john.doe@example.com', 'nobody@example.com']) {
      expect(await auth.service.resendVerification({ email }, aContext())).toEqual({ ok: true, value: undefined });
    }
    const { key } = onlyMail(auth, 'email_verification');
    await auth.service.verifyEmail({ key }, aContext());
    auth.store.state.mail = [];
    await auth.service.resendVerification({ email: 'john.doe@example.com' }, aContext());
    expect(auth.store.state.mail).toEqual([]);
  });
});

describe('token management', () => {
  it("lists the caller's live tokens newest first, marking the current one, never showing a secret", async () => {
    const auth = await withDevices(3);
    const [first, , third] = auth.keys as [string, string, string];
    await auth.service.register(aRegistration({ email: 'jane@example.com' }), aContext());
    await auth.service.login({ email: 'jane@example.com', password: 'Password123' }, aContext());

    const tokens = await auth.service.listTokens(await caller(auth, first));
    expect(tokens.map((token) => [token.userAgent, token.ip, token.current])).toEqual([
      ['device-2', '198.51.100.2', false],
      ['device-1', '198.51.100.1', false],
      ['device-0', '198.51.100.0', true],
    ]);
    expect(JSON.stringify(tokens)).not.toMatch(new RegExp(`${first}|${third}|${auth.deps.secrets.digest(first)}`));
    const later = await caller(auth, third);
    auth.clock.advance(86_400);
    expect(await auth.service.listTokens(later)).toEqual([]);
  });

  it("revokes one of the caller's tokens by id, and finds another user's or a malformed id nowhere", async () => {
    const auth = await withDevices(2);
    await auth.service.register(aRegistration({ email: 'jane@example.com' }), aContext());
    const jane = await auth.service.login({ email: 'jane@example.com', password: 'Password123' }, aContext());
    if (!jane.ok) throw new Error('expected login');
    const janes = await caller(auth, jane.value.key);
    const johns = await caller(auth, auth.keys[0]!);
    const [janeToken] = await auth.service.listTokens(janes);
    const johnsOther = (await auth.service.listTokens(johns)).find((token) => !token.current);
    auth.store.state.outbox = [];

    expect(await auth.service.revokeToken(johns, janeToken!.id, aContext())).toEqual({ ok: false, error: { code: 'not_found' } });
    expect(await auth.service.revokeToken(johns, 'not-a-uuid', aContext())).toEqual({ ok: false, error: { code: 'not_found' } });
    expect(await live(auth, jane.value.key)).toBe(true);
    expect(await auth.service.revokeToken(johns, johnsOther!.id.toUpperCase(), aContext())).toEqual({ ok: true, value: { revoked: 1 } });
    expect(await live(auth, auth.keys[1]!)).toBe(false);
    expect(auth.store.state.outbox).toMatchObject([{ type: 'token.revoked', data: { reason: 'revoked', tokenIds: [johnsOther!.id] } }]);
  });

  it('logs out everywhere else, keeping the calling token', async () => {
    const auth = await withDevices(3);
    const me = await caller(auth, auth.keys[1]!);
    const others = (await auth.service.listTokens(me)).filter((token) => !token.current).map((token) => token.id);
    expect(await auth.service.logoutOthers(me, aContext())).toEqual({ revoked: 2 });
    expect(await live(auth, auth.keys[1]!)).toBe(true);
    expect(await live(auth, auth.keys[0]!)).toBe(false);
    expect(auth.store.state.outbox).toMatchObject([{ type: 'token.revoked', data: { reason: 'logout_others' } }]);
    const event = auth.store.state.outbox[0];
    expect(event?.type === 'token.revoked' && [...event.data.tokenIds].sort()).toEqual([...others].sort());
  });
});
