import { describe, expect, it } from 'vitest';
import { loginRequestSchema, registrationRequestSchema, validateBody } from '../src/index.js';

const valid = {
  first_name: 'John',
  last_name: 'Doe',
  email: 'john.doe@example.com',
  password1: 'Password123',
  password2: 'Password123',
};

describe('registration body', () => {
  it('accepts the spec example and trims names and email', () => {
    const result = validateBody(registrationRequestSchema, { ...valid, first_name: '  John ', email: ' john.doe@example.com ' });
    expect(result).toEqual({ ok: true, value: valid });
  });

  it('reports every faulty field at once with the spec messages', () => {
    const result = validateBody(registrationRequestSchema, {
      ...valid,
      email: 'not-an-email',
      password1: 'Passwordxyz',
      password2: 'Different1',
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        email: ['Enter a valid email address.'],
        password1: ['Password must contain at least one numeral.'],
        password2: ['The two password fields did not match.'],
      },
    });
  });

  it('applies each password rule with its own message', () => {
    expect(validateBody(registrationRequestSchema, { ...valid, password1: 'a1', password2: 'a1' })).toEqual({
      ok: false,
      errors: { password1: ['Password must be at least 8 characters long.'] },
    });
    expect(validateBody(registrationRequestSchema, { ...valid, password1: '12345678', password2: '12345678' })).toEqual({
      ok: false,
      errors: { password1: ['Password must contain at least one letter.'] },
    });
    expect(validateBody(registrationRequestSchema, { ...valid, password1: 'abc', password2: 'abc' })).toEqual({
      ok: false,
      errors: {
        password1: ['Password must be at least 8 characters long.', 'Password must contain at least one numeral.'],
      },
    });
  });

  it('uses DRF messages for missing, null, blank, wrong-typed and over-long fields', () => {
    const result = validateBody(registrationRequestSchema, {
      first_name: null,
      last_name: '   ',
      email: ['a@b.c'],
      password1: 'x'.repeat(1025),
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        first_name: ['This field may not be null.'],
        last_name: ['This field may not be blank.'],
        email: ['Not a valid string.'],
        password1: ['Ensure this field has no more than 1024 characters.'],
        password2: ['This field is required.'],
      },
    });
  });

  it('turns numbers into strings as DRF does', () => {
    const result = validateBody(registrationRequestSchema, { ...valid, first_name: 42 });
    expect(result.ok && result.value.first_name).toBe('42');
  });

  it('refuses a body that is not an object', () => {
    expect(validateBody(registrationRequestSchema, [1])).toEqual({
      ok: false,
      errors: { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] },
    });
  });
});

describe('login body', () => {
  it('requires both fields', () => {
    expect(validateBody(loginRequestSchema, {})).toEqual({
      ok: false,
      errors: { email: ['This field is required.'], password: ['This field is required.'] },
    });
  });

  it('keeps the password as typed', () => {
    expect(validateBody(loginRequestSchema, { email: ' a@b.co ', password: ' pw ' })).toEqual({
      ok: true,
      value: { email: 'a@b.co', password: ' pw ' },
    });
  });
});

describe('strings PostgreSQL cannot store', () => {
  it("refuses a NUL or a lone surrogate in every string field with DRF's message, and accepts a paired one", () => {
    for (const field of Object.keys(valid)) {
      expect(validateBody(registrationRequestSchema, { ...valid, [field]: 'Jo\u0000hn1x' })).toMatchObject({
        ok: false,
        errors: { [field]: ['Null characters are not allowed.'] },
      });
      expect(validateBody(registrationRequestSchema, { ...valid, [field]: 'Jo\udc00hn1x' })).toMatchObject({
        ok: false,
        errors: { [field]: ['Surrogate characters are not allowed: U+DC00.'] },
      });
    }
    for (const field of ['email', 'password']) {
      expect(validateBody(loginRequestSchema, { email: valid.email, password: 'x', [field]: 'a\ud83db' })).toEqual({
        ok: false,
        errors: { [field]: ['Surrogate characters are not allowed: U+D83D.'] },
      });
    }
    expect(validateBody(registrationRequestSchema, { ...valid, first_name: 'Jo\ud83d\ude00hn' })).toMatchObject({ ok: true });
  });
});
