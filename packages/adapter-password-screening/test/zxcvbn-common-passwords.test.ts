import type { PasswordCandidate } from '@authsvc/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { ZxcvbnCommonPasswordPolicy } from '../src/index.js';

const candidate = (password: string): PasswordCandidate => ({ password, firstName: null, lastName: null, email: null });

describe('ZxcvbnCommonPasswordPolicy', () => {
  let policy: ZxcvbnCommonPasswordPolicy;
  beforeAll(async () => {
    policy = await ZxcvbnCommonPasswordPolicy.load();
  });

  it.each(['password1', 'qwerty123', 'iloveyou1', 'Password123'])("refuses %s, from zxcvbn-ts' list", async (password) => {
    expect(await policy.screen(candidate(password))).toEqual([{ kind: 'too_common' }]);
  });

  it('compares as Django does: ignoring case and surrounding white space', async () => {
    expect(await policy.screen(candidate('  QWERTY123 '))).toEqual([{ kind: 'too_common' }]);
  });

  it('accepts a password in no list', async () => {
    expect(await policy.screen(candidate('vellum-Quarry-71-otter'))).toEqual([]);
  });

  it('takes any list, lowercasing it as Django expects of its own', async () => {
    const custom = new ZxcvbnCommonPasswordPolicy(['Hunter2000 ']);
    expect(await custom.screen(candidate('hunter2000'))).toEqual([{ kind: 'too_common' }]);
    expect(await custom.screen(candidate('password1'))).toEqual([]);
  });
});
