import { passwordField, registrationRequestSchema, validateBody } from '@authsvc/contracts';
import type { RegisterUserCommand, Unchecked } from '@authsvc/domain';
import type { z } from 'zod';

// Built once, like the registration schema itself.
const { first_name: firstNameField, last_name: lastNameField, email: emailField } = registrationRequestSchema.shape;
const plainPassword = passwordField();

/** The field's value when it is valid by itself, else nothing. */
const readable = (field: z.ZodType<string>, value: unknown): string | undefined => {
  const parsed = field.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

/**
 * A registration body for the use case to check after its throttle: the command, or the contract's
 * field errors with the fields that are valid by themselves, against which the use case still
 * checks the email's uniqueness and screens the password (a string DRF would hand to validators).
 */
export const uncheckedRegistration =
  (body: unknown): Unchecked<RegisterUserCommand> =>
  () => {
    const validation = validateBody(registrationRequestSchema, body);
    if (validation.ok) {
      const input = validation.value;
      return { ok: true, value: { firstName: input.first_name, lastName: input.last_name, email: input.email, password: input.password1 } };
    }
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const parts = {
      firstName: readable(firstNameField, fields.first_name),
      lastName: readable(lastNameField, fields.last_name),
      email: readable(emailField, fields.email),
      password: readable(plainPassword, fields.password1),
    };
    const present = Object.fromEntries(Object.entries(parts).filter(([, value]) => value !== undefined)) as Partial<RegisterUserCommand>;
    return { ok: false, error: { code: 'invalid_input', fields: validation.errors, readable: present } };
  };
