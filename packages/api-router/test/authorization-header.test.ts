import { messages } from '@authsvc/contracts';
import { describe, expect, it } from 'vitest';
import { readTokenCredentials } from '../src/index.js';

describe('readTokenCredentials, as DRF TokenAuthentication reads the header', () => {
  it('reads one key after the Token keyword, in any case and white space', () => {
    expect(readTokenCredentials('token \t abc123 ')).toEqual({ kind: 'token', secret: 'abc123' });
  });

  it('leaves a header of another scheme, or none, to other authenticators', () => {
    expect(readTokenCredentials('Bearer abc123')).toEqual({ kind: 'absent' });
    expect(readTokenCredentials(undefined)).toEqual({ kind: 'absent' });
  });

  it('refuses a Token header without exactly one key, or with bytes that are not UTF-8', () => {
    expect(readTokenCredentials('Token')).toEqual({ kind: 'malformed', detail: messages.tokenHeaderEmpty });
    expect(readTokenCredentials('Token a b')).toEqual({ kind: 'malformed', detail: messages.tokenHeaderSpaces });
    expect(readTokenCredentials('Token \xff')).toEqual({ kind: 'malformed', detail: messages.tokenHeaderInvalidCharacters });
  });
});
