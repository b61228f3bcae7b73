import { messages, passwordField, registrationRequestSchema, type FieldErrors } from '@authsvc/contracts';
import type { AuthService, PasswordCandidate, PasswordProblem, PersonalAttribute } from '@authsvc/domain';
import type { z } from 'zod';

// The verbose names of Django's User fields, which its similarity message quotes.
const VERBOSE_NAMES: Record<PersonalAttribute, string> = {
  firstName: 'first name',
  lastName: 'last name',
  email: 'email address',
};

const problemMessage = (problem: PasswordProblem): string => {
  switch (problem.kind) {
    case 'too_similar':
      return messages.passwordTooSimilar(VERBOSE_NAMES[problem.attribute]);
    case 'too_common':
      return messages.passwordTooCommon;
    case 'breached':
      return messages.passwordBreached;
  }
};

/**
 * The `password1` messages in one list, in the order of Django's default validators: similarity
 * first, then the contract's own rules (where Django's list has its minimum length), then common
 * and breached.
 */
export function passwordMessages(problems: readonly PasswordProblem[], contractMessages: readonly string[] = []): string[] {
  const similar = problems.filter((problem) => problem.kind === 'too_similar');
  const others = problems.filter((problem) => problem.kind !== 'too_similar');
  return [...similar.map(problemMessage), ...contractMessages, ...others.map(problemMessage)];
}

// Built once, like the registration schema itself.
const fieldOrder = Object.keys(registrationRequestSchema.shape);
const { first_name: firstNameField, last_name: lastNameField, email: emailField } = registrationRequestSchema.shape;
const plainPassword = passwordField();

/** Registration field errors with `extra` merged in, in the body's field order (as DRF lists them). */
export function mergeRegistrationErrors(errors: FieldErrors, extra: FieldErrors): FieldErrors {
  const merged: FieldErrors = { ...errors, ...extra };
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => fieldOrder.indexOf(a) - fieldOrder.indexOf(b)));
}

const validOrNull = (field: z.ZodType<string>, value: unknown): string | null => {
  const parsed = field.safeParse(value);
  return parsed.success ? parsed.data : null;
};

/**
 * Django runs every password validator whatever else is wrong with the form, so a body that failed
 * validation still has its password screened (when it is a string DRF would pass to validators),
 * against whichever personal details are valid, and the problems join the contract's messages.
 */
export async function withPasswordScreening(service: AuthService, errors: FieldErrors, body: unknown): Promise<FieldErrors> {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const password = plainPassword.safeParse(fields.password1);
  if (!password.success) return errors;
  const candidate: PasswordCandidate = {
    password: password.data,
    firstName: validOrNull(firstNameField, fields.first_name),
    lastName: validOrNull(lastNameField, fields.last_name),
    email: validOrNull(emailField, fields.email),
  };
  const screening = await service.screenPassword(candidate);
  // An unreachable check adds nothing here: the body is refused with 400 anyway.
  if (screening.ok || screening.error.code !== 'password_rejected') return errors;
  return mergeRegistrationErrors(errors, { password1: passwordMessages(screening.error.problems, errors.password1) });
}
