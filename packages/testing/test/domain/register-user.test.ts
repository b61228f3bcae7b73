import { describe, expect, it } from 'vitest';
import { inMemoryAuth } from '../../src/index.js';
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
