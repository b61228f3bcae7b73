import { messages } from '@authsvc/contracts';

/** What an `Authorization` header says, read as DRF's TokenAuthentication reads it. */
export type TokenCredentials =
  | { readonly kind: 'absent' }
  | { readonly kind: 'malformed'; readonly detail: string }
  | { readonly kind: 'token'; readonly secret: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses `Authorization: Token <key>`. A header for another scheme counts as absent (another
 * authenticator's business); a Token header without exactly one key is malformed.
 */
export function readTokenCredentials(header: string | undefined): TokenCredentials {
  // Python's bytes.split(): runs of ASCII white space separate words.
  const words = (header ?? '').split(/[ \t\n\r\v\f]+/).filter((w) => w.length > 0);
  if (words.length === 0 || words[0]!.toLowerCase() !== 'token') return { kind: 'absent' };
  if (words.length === 1) return { kind: 'malformed', detail: messages.tokenHeaderEmpty };
  if (words.length > 2) return { kind: 'malformed', detail: messages.tokenHeaderSpaces };
  try {
    // Node hands header bytes over as latin1; DRF decodes them as UTF-8.
    return { kind: 'token', secret: utf8.decode(Buffer.from(words[1]!, 'latin1')) };
  } catch {
    return { kind: 'malformed', detail: messages.tokenHeaderInvalidCharacters };
  }
}
