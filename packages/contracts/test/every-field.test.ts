import { describe, expect, it } from 'vitest';
import { registrationRequestSchema, validateBody } from '../src/index.js';

describe('registration validation', () => {
  it('reports every faulty field at once, as DRF does: a blank name beside mismatched passwords', () => {
    const result = validateBody(registrationRequestSchema, {
      first_name: '',
      last_name: 'Doe',
      email: 'a@example.com',
      password1: 'Password123',
      password2: 'Password124',
    });
    expect(result).toEqual({
      ok: false,
      errors: { first_name: ['This field may not be blank.'], password2: ['The two password fields did not match.'] },
    });
  });

  it('reports an invalid email and an over-long name beside mismatched passwords', () => {
    const result = validateBody(registrationRequestSchema, {
      first_name: 'x'.repeat(151),
      last_name: 'Doe',
      email: 'not-an-email',
      password1: 'Password123',
      password2: 'Password124',
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        first_name: ['Ensure this field has no more than 150 characters.'],
        email: ['Enter a valid email address.'],
        password2: ['The two password fields did not match.'],
      },
    });
  });
});
