import type { PasswordCandidate, PasswordFinding, PasswordPolicy } from '@authsvc/domain';

/** Django's comparison key: the password lowercased, surrounding white space ignored. */
const commonKey = (password: string): string => password.toLowerCase().trim();

/**
 * Refuses passwords found in a common-password dictionary, as Django's `CommonPasswordValidator`
 * does with its own list. The default list is zxcvbn-ts' (`@zxcvbn-ts/language-common`, about
 * 49 000 passwords from leaked corpora, kept up to date by that project).
 */
export class ZxcvbnCommonPasswordPolicy implements PasswordPolicy {
  private readonly common: ReadonlySet<string>;

  /** A policy over the given passwords; see `load()` for zxcvbn-ts' list. */
  constructor(passwords: Iterable<string>) {
    this.common = new Set(Array.from(passwords, commonKey));
  }

  /** A policy over zxcvbn-ts' list, imported only here: it takes about 0.1 s and 7 MB, spent only when the check is on. */
  static async load(): Promise<ZxcvbnCommonPasswordPolicy> {
    const { dictionary } = await import('@zxcvbn-ts/language-common');
    return new ZxcvbnCommonPasswordPolicy(dictionary['passwords-common']);
  }

  async screen({ password }: PasswordCandidate): Promise<readonly PasswordFinding[]> {
    return this.common.has(commonKey(password)) ? [{ kind: 'too_common' }] : [];
  }
}
