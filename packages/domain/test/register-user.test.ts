import { describe, expect, it } from 'vitest';
import { combinePasswordPolicies, userAttributeSimilarityPolicy } from '../src/index.js';
import { inMemoryAuth, ListedPasswordPolicy, noThrottles } from '@authsvc/testing';
import { aContext, aRegistration } from './mothers.js';

describe('registerUser', () => {
  it('creates the user with a hashed password and records user.registered in the outbox', async () => {
    const { service, store } = inMemoryAuth();
    const result = await service.register(aRegistration(), aContext());

    expect(result).toEqual({ ok: true, value: { id: 1, firstName: 'John', lastName: 'Doe', email: 'john.doe@example.com' } });
    const stored = store.state.users.get(1);
    expect(stored?.passwordHash).toBe('fake$2$Password123');
    expect(store.state.outbox).toHaveLength(1);
    expect(store.state.outbox[0]).toMatchObject({
      type: 'user.registered',
      userId: 1,
      version: 1,
      metadata: aContext(),
      data: { email: 'john.doe@example.com', firstName: 'John', lastName: 'Doe' },
    });
  });

  it('refuses an email already taken in another case, with no event', async () => {
    const { service, store } = inMemoryAuth();
    await service.register(aRegistration(), aContext());
    const again = await service.register(aRegistration({ email: 'JOHN.Doe@Example.COM' }), aContext());

    expect(again).toEqual({ ok: false, error: { code: 'email_taken' } });
    expect(store.state.users.size).toBe(1);
    expect(store.state.outbox).toHaveLength(1);
  });

  it('reports email_taken when a concurrent registration wins the insert', async () => {
    const { service, store } = inMemoryAuth();
    const results = await Promise.all([1, 2, 3].map(() => service.register(aRegistration(), aContext())));

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toHaveLength(2);
    expect(store.state.users.size).toBe(1);
    expect(store.state.outbox).toHaveLength(1);
  });
});

describe('registerUser screening the password', () => {
  it('refuses a password too similar to the email before hashing: no user, no event', async () => {
    const { service, store } = inMemoryAuth();
    const result = await service.register(aRegistration({ email: 'johnny1970@example.com', password: 'Johnny1970' }), aContext());

    expect(result).toEqual({ ok: false, error: { code: 'password_rejected', problems: [{ kind: 'too_similar', attribute: 'email' }] } });
    expect(store.state.users.size).toBe(0);
    expect(store.state.outbox).toHaveLength(0);
  });

  it("reports every policy's problems in the policies' order", async () => {
    const policy = combinePasswordPolicies([
      userAttributeSimilarityPolicy(),
      new ListedPasswordPolicy({ johnny1970: [{ kind: 'too_common' }] }),
      new ListedPasswordPolicy({ johnny1970: [{ kind: 'breached' }] }),
    ]);
    const { service } = inMemoryAuth({}, policy);
    const result = await service.register(aRegistration({ firstName: 'Johnny', password: 'johnny1970' }), aContext());

    expect(result).toEqual({
      ok: false,
      error: {
        code: 'password_rejected',
        problems: [{ kind: 'too_similar', attribute: 'firstName' }, { kind: 'too_common' }, { kind: 'breached' }],
      },
    });
  });

  it('refuses as unavailable a password a check could not clear, and registers nothing', async () => {
    const { service, store } = inMemoryAuth({}, new ListedPasswordPolicy({ 'Unchecked-Pass-9': [{ kind: 'unverifiable' }] }));
    const result = await service.register(aRegistration({ password: 'Unchecked-Pass-9' }), aContext());

    expect(result).toEqual({ ok: false, error: { code: 'password_check_unavailable' } });
    expect(store.state.users.size).toBe(0);
  });

  it('reports the real problems, not the unavailability, when a password has both', async () => {
    const policy = new ListedPasswordPolicy({ qwerty123: [{ kind: 'too_common' }, { kind: 'unverifiable' }] });
    const { service } = inMemoryAuth({}, policy);
    const result = await service.register(aRegistration({ password: 'qwerty123' }), aContext());

    expect(result).toEqual({ ok: false, error: { code: 'password_rejected', problems: [{ kind: 'too_common' }] } });
  });

  it('registers a password every policy accepts', async () => {
    const { service, store } = inMemoryAuth({}, new ListedPasswordPolicy({ qwerty123: [{ kind: 'too_common' }] }));
    const result = await service.register(aRegistration(), aContext());

    expect(result.ok).toBe(true);
    expect(store.state.users.size).toBe(1);
  });

  describe('with input the contract refused', () => {
    const refused = (readable: Record<string, string>) => () =>
      ({ ok: false, error: { code: 'invalid_input', fields: { first_name: ['This field may not be blank.'] }, readable } }) as const;

    it('reports a taken email and the password policy findings beside the field errors, creating nothing', async () => {
      const { service, store } = inMemoryAuth();
      await service.register(aRegistration(), aContext());
      const result = await service.register(
        refused({ email: 'John.Doe@example.com', password: 'john.doe@example.com', lastName: 'Doe' }),
        aContext(),
      );
      expect(result).toEqual({
        ok: false,
        error: {
          code: 'invalid_input',
          fields: { first_name: ['This field may not be blank.'] },
          emailTaken: true,
          passwordProblems: [{ kind: 'too_similar', attribute: 'email' }],
        },
      });
      expect(store.state.users.size).toBe(1);
      expect(store.state.outbox.map((e) => e.type)).toEqual(['user.registered']);
    });

    it('counts the client rate before checking the input, as DRF throttles before validating', async () => {
      const { service } = inMemoryAuth({ throttle: { ...noThrottles, registrationRate: { requests: 1, windowSeconds: 3600 } } });
      expect((await service.register(refused({}), aContext())).ok).toBe(false);
      expect(await service.register(aRegistration(), aContext())).toEqual({
        ok: false,
        error: { code: 'throttled', retryAfterSeconds: 3600 },
      });
    });
  });
});
