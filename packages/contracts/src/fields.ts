import { z } from 'zod';
import { messages } from './messages.js';

/** Length caps: Django's for names, RFC 5321's for email paths, ours for passwords. */
export const limits = {
  name: 150,
  email: 254,
  password: 1024,
} as const;

// In a `u` regex a paired surrogate is one code point, so only a surrogate without its partner matches.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Options of the checks after the blank one: they run only on a string that is not blank, since
 * blank fails alone and they would only repeat it. Zod's `when` (which its option types do not
 * list, hence the spread) instead of `abort`, which would also stop the body's own checks, such
 * as two passwords that differ.
 */
const afterBlank = { when: (payload: { readonly value: unknown }) => typeof payload.value === 'string' && payload.value !== '' };

/** Options of the password rules: checked only on a password the field itself took (not blank, not over-long, storable). */
const passwordRule = {
  when: (payload: { readonly value: unknown }) =>
    typeof payload.value === 'string' &&
    payload.value !== '' &&
    payload.value.length <= limits.password &&
    !payload.value.includes('\u0000') &&
    !LONE_SURROGATE.test(payload.value),
};

interface CharFieldOptions {
  readonly maxLength: number;
  /** DRF trims surrounding white space by default; passwords keep theirs. */
  readonly trim: boolean;
}

/**
 * The input side of DRF's CharField: numbers become strings, other non-strings are refused with
 * DRF's message, white space is trimmed unless told otherwise, blank fails alone (later checks
 * would only repeat it), and the length cap holds. Like DRF's, it refuses NUL and lone surrogates,
 * which PostgreSQL cannot store: refused here, they never reach the hashing or the database.
 */
export function charField({ maxLength, trim }: CharFieldOptions): z.ZodType<string, string> {
  // Typed as string in, string out: numbers are accepted as DRF does, but clients should send strings.
  const field = z.preprocess(
    (value) => {
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      return trim && typeof value === 'string' ? value.trim() : value;
    },
    z
      .string({
        error: (issue) => (issue.input === undefined ? messages.required : issue.input === null ? messages.notNull : messages.notAString),
      })
      .min(1, { error: messages.blank })
      .max(maxLength, { ...afterBlank, error: messages.maxLength(maxLength) })
      .refine((text) => !text.includes('\u0000'), { ...afterBlank, error: messages.nullCharacters })
      .refine((text) => !LONE_SURROGATE.test(text), {
        ...afterBlank,
        error: (issue) => messages.surrogateCharacter(LONE_SURROGATE.exec(String(issue.input))?.[0].charCodeAt(0) ?? 0),
      }),
  );
  return field as unknown as z.ZodType<string, string>;
}

/** DRF's EmailField: a trimmed CharField holding a valid address. */
export const emailField = () => charField({ maxLength: limits.email, trim: true }).pipe(z.email({ error: messages.invalidEmail }));

/** A password as typed: not trimmed, capped so a huge one cannot burn CPU in the KDF. */
export const passwordField = () => charField({ maxLength: limits.password, trim: false });

/** The password rules of the contract, each failing with its own message. */
export const newPasswordField = () =>
  passwordField()
    .check(z.minLength(8, { ...passwordRule, error: messages.passwordTooShort }))
    .check(z.regex(/\p{N}/u, { ...passwordRule, error: messages.passwordNoNumeral }))
    .check(z.regex(/\p{L}/u, { ...passwordRule, error: messages.passwordNoLetter }))
    // JSON Schema cannot see checks on a preprocessed field, so the rules are stated for the API description.
    .meta({ minLength: 8, description: 'At least 8 characters, with at least one numeral and one letter.' });

/** A first or last name. */
export const nameField = () => charField({ maxLength: limits.name, trim: true });
