import { z } from 'zod';
import { charField, emailField, limits, nameField, newPasswordField, passwordField } from './fields.js';
import { messages } from './messages.js';

/** Body of `POST /api/users/registration/`. */
export const registrationRequestSchema = z
  .object({
    first_name: nameField(),
    last_name: nameField(),
    email: emailField(),
    password1: newPasswordField(),
    password2: passwordField(),
  })
  .refine((body) => body.password1 === body.password2, {
    error: messages.passwordMismatch,
    path: ['password2'],
    // Reported beside the other field errors, not only once they are fixed; but not on top of
    // password2's own error, which already says what is wrong with it.
    when: ({ value, issues }) => {
      const body = value as { password1?: unknown; password2?: unknown } | null;
      return (
        typeof body?.password1 === 'string' &&
        typeof body.password2 === 'string' &&
        !issues.some((issue) => issue.path?.[0] === 'password2')
      );
    },
  })
  .meta({ description: 'A new account. `password2` must repeat `password1`.' });

/** Body of `POST /api/users/login/`. The email is taken as typed: a malformed one matches no account. */
export const loginRequestSchema = z
  .object({
    email: charField({ maxLength: limits.email, trim: true }),
    password: passwordField(),
  })
  .meta({ description: 'Credentials of an account.' });

/** A user as every endpoint shows it. */
export const userResponseSchema = z
  .object({
    id: z.number().int(),
    first_name: z.string(),
    last_name: z.string(),
    email: z.string(),
  })
  .meta({ description: 'A user as every endpoint shows it.' });

/** Body of a successful login. */
export const loginResponseSchema = z
  .object({
    key: z
      .string()
      .regex(/^[0-9a-f]{40}$/)
      .meta({ description: 'The token: send it as `Authorization: Token <key>`.' }),
  })
  .meta({ description: 'A new token for the account.' });

/** DRF's body for errors not tied to a field, and for plain confirmations. */
export const detailResponseSchema = z.object({ detail: z.string() }).meta({ description: 'A message not tied to a field.' });

/** DRF's body for validation errors: messages by field, `non_field_errors` for the whole body. */
export const fieldErrorsResponseSchema = z
  .record(z.string(), z.array(z.string()))
  .meta({ description: 'Messages by field; `non_field_errors` for the body as a whole.' });

/** A validated registration body. */
export type RegistrationRequest = z.output<typeof registrationRequestSchema>;
/** A validated login body. */
export type LoginRequest = z.output<typeof loginRequestSchema>;
/** A user as shown. */
export type UserResponse = z.output<typeof userResponseSchema>;
/** A successful login body. */
export type LoginResponse = z.output<typeof loginResponseSchema>;
/** Field-keyed validation errors. */
export type FieldErrors = z.output<typeof fieldErrorsResponseSchema>;
