import type { PasswordCandidate, PasswordPolicy, PersonalAttribute } from './ports/index.js';

/** Options of the similarity check; Django's defaults. */
export interface SimilarityOptions {
  /** The quick ratio from which a password counts as too similar, at least 0.1. */
  readonly maxSimilarity?: number;
}

// Django's order (its `username` aside): the first attribute found too similar is the one reported.
const ATTRIBUTES: readonly PersonalAttribute[] = ['firstName', 'lastName', 'email'];

// Python's `\W`: anything but a letter, a digit or an underscore, in Unicode.
const NON_WORD = /[^\p{L}\p{N}_]+/u;

/** Python's difflib `SequenceMatcher(a, b).quick_ratio()`: shared characters, counted with multiplicity. */
function quickRatio(a: readonly string[], b: readonly string[]): number {
  const available = new Map<string, number>();
  for (const char of b) available.set(char, (available.get(char) ?? 0) + 1);
  let matches = 0;
  for (const char of a) {
    const left = available.get(char) ?? 0;
    if (left > 0) matches += 1;
    available.set(char, left - 1);
  }
  const length = a.length + b.length;
  return length > 0 ? (2 * matches) / length : 1;
}

/**
 * Django's shortcut: a value a tenth of the password's length or less cannot reach the ratio, so
 * it is not compared (which also skips the empty parts a split leaves).
 */
const tooShortToMatter = (passwordLength: number, maxSimilarity: number, valueLength: number): boolean =>
  passwordLength >= 10 * valueLength && valueLength < (maxSimilarity / 2) * passwordLength;

/** The first attribute the password is too similar to, or null. */
function tooSimilarAttribute(candidate: PasswordCandidate, maxSimilarity: number): PersonalAttribute | null {
  // Python counts code points, not UTF-16 units.
  const password = Array.from(candidate.password.toLowerCase());
  for (const attribute of ATTRIBUTES) {
    const value = candidate[attribute]?.toLowerCase();
    if (!value) continue;
    // Each word of the value (an email's local part and domain labels) and the whole value.
    for (const part of [...value.split(NON_WORD), value]) {
      const chars = Array.from(part);
      if (tooShortToMatter(password.length, maxSimilarity, chars.length)) continue;
      if (quickRatio(password, chars) >= maxSimilarity) return attribute;
    }
  }
  return null;
}

/**
 * Refuses a password too similar to the account's first name, last name or email, as Django's
 * `UserAttributeSimilarityValidator` does (same splitting, shortcut and quick ratio, 0.7 by
 * default). Pure: no I/O.
 */
export function userAttributeSimilarityPolicy({ maxSimilarity = 0.7 }: SimilarityOptions = {}): PasswordPolicy {
  if (!(maxSimilarity >= 0.1)) throw new RangeError('maxSimilarity must be at least 0.1');
  return {
    async screen(candidate) {
      const attribute = tooSimilarAttribute(candidate, maxSimilarity);
      return attribute ? [{ kind: 'too_similar', attribute }] : [];
    },
  };
}
