import { messages, registrationRequestSchema } from '@authsvc/contracts';
import type { FieldMessages, InvalidInput, PasswordProblem, PersonalAttribute } from '@authsvc/domain';

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

/** Registration field errors with `extra` merged in, in the body's field order (as DRF lists them). */
export function mergeRegistrationErrors(errors: FieldMessages, extra: FieldMessages): FieldMessages {
  const merged: FieldMessages = { ...errors, ...extra };
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => fieldOrder.indexOf(a) - fieldOrder.indexOf(b)));
}

/** A refused input's body: the contract's field errors, with a taken email and the password's problems worded and merged in. */
export function invalidInputBody(error: InvalidInput): FieldMessages {
  const extra: Record<string, readonly string[]> = {};
  if (error.emailTaken) extra.email = [messages.emailTaken];
  if (error.passwordProblems?.length) extra.password1 = passwordMessages(error.passwordProblems, error.fields.password1);
  return Object.keys(extra).length === 0 ? error.fields : mergeRegistrationErrors(error.fields, extra);
}
