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

/** The contract's password rules, run on a new password typed twice alike. */
const newPasswordRules = newPasswordField();

/**
 * Django's SetPasswordForm, once every field is valid by itself: the two new passwords must match,
 * then the second is held to the password rules, its messages under `new_password2` as Django puts them.
 */
const newPasswordPair = <T extends { new_password1: string; new_password2: string }>(body: T, ctx: z.RefinementCtx<T>) => {
  if (body.new_password1 !== body.new_password2) {
    ctx.addIssue({ code: 'custom', message: messages.passwordMismatch, path: ['new_password2'] });
    return;
  }
  const rules = newPasswordRules.safeParse(body.new_password2);
  for (const issue of rules.error?.issues ?? []) ctx.addIssue({ code: 'custom', message: issue.message, path: ['new_password2'] });
};

/** Body of `POST /api/users/password/change/` (dj-rest-auth's fields). */
export const passwordChangeRequestSchema = z
  .object({ old_password: passwordField(), new_password1: passwordField(), new_password2: passwordField() })
  .superRefine(newPasswordPair)
  .meta({ description: 'The current password, and the new one twice.' });

/** Body of `POST /api/users/password/reset/`. */
export const passwordResetRequestSchema = z
  .object({ email: emailField() })
  .meta({ description: 'The email of the account whose password to reset.' });

/** Body of `POST /api/users/password/reset/confirm/`: the link's `uid` and `token`, and the new password twice. */
export const passwordResetConfirmRequestSchema = z
  .object({
    new_password1: passwordField(),
    new_password2: passwordField(),
    uid: charField({ maxLength: limits.password, trim: true }),
    token: charField({ maxLength: limits.password, trim: true }),
  })
  .superRefine(newPasswordPair)
  .meta({ description: "The reset link's uid and token, and the new password twice." });

/** Body of `POST /api/users/registration/verify-email/`. */
export const verifyEmailRequestSchema = z
  .object({ key: charField({ maxLength: limits.password, trim: true }) })
  .meta({ description: 'The key of a verification link.' });

/** Body of `POST /api/users/registration/resend-email/`. */
export const resendEmailRequestSchema = z
  .object({ email: emailField() })
  .meta({ description: 'The email to send a new verification link to.' });

/** One of the caller's live tokens: never its key. */
export const tokenResponseSchema = z
  .object({
    id: z.uuid().meta({ description: 'A public handle, for `DELETE /api/users/tokens/{id}/`; not the key.' }),
    created: z.iso.datetime(),
    expires: z.iso.datetime(),
    current: z.boolean().meta({ description: 'Whether this is the token that made the call.' }),
    ip: z.string().nullable().meta({ description: 'The client address at login.' }),
    user_agent: z.string().nullable().meta({ description: 'The user agent at login, capped.' }),
  })
  .meta({ description: "One of the caller's live tokens." });

/** The caller's live tokens, newest first. */
export const tokenListResponseSchema = z.array(tokenResponseSchema).meta({ description: "The caller's live tokens, newest first." });

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
/** A validated password change body. */
export type PasswordChangeRequest = z.output<typeof passwordChangeRequestSchema>;
/** A validated password reset body. */
export type PasswordResetRequest = z.output<typeof passwordResetRequestSchema>;
/** A validated password reset confirmation body. */
export type PasswordResetConfirmRequest = z.output<typeof passwordResetConfirmRequestSchema>;
/** A validated email verification body. */
export type VerifyEmailRequest = z.output<typeof verifyEmailRequestSchema>;
/** A validated verification resend body. */
export type ResendEmailRequest = z.output<typeof resendEmailRequestSchema>;
/** One of the caller's tokens as shown. */
export type TokenResponse = z.output<typeof tokenResponseSchema>;
/** A user as shown. */
export type UserResponse = z.output<typeof userResponseSchema>;
/** A successful login body. */
export type LoginResponse = z.output<typeof loginResponseSchema>;
/** Field-keyed validation errors. */
export type FieldErrors = z.output<typeof fieldErrorsResponseSchema>;
