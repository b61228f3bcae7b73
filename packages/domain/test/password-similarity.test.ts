import { userAttributeSimilarityPolicy, type PasswordCandidate } from '../src/index.js';
import { describe, expect, it } from 'vitest';

/** Django's own test user, less the username this service does not have. */
const testClient = (password: string, overrides: Partial<PasswordCandidate> = {}): PasswordCandidate => ({
  password,
  firstName: 'Test',
  lastName: 'Client',
  email: 'testclient@example.com',
  ...overrides,
});

const screen = (candidate: PasswordCandidate, maxSimilarity?: number) =>
  userAttributeSimilarityPolicy(maxSimilarity === undefined ? {} : { maxSimilarity }).screen(candidate);

describe('userAttributeSimilarityPolicy (Django UserAttributeSimilarityValidator)', () => {
  it("refuses a password too similar to a part of the email, as Django's test does with example.com", async () => {
    expect(await screen(testClient('example.com'))).toEqual([{ kind: 'too_similar', attribute: 'email' }]);
  });

  it("follows Django's test with max_similarity 0.3 and 1 on the first name, and accepts at 0.7", async () => {
    const firstNameOnly = { lastName: null, email: null };
    expect(await screen(testClient('testclient', firstNameOnly), 0.3)).toEqual([{ kind: 'too_similar', attribute: 'firstName' }]);
    expect(await screen(testClient('Test', firstNameOnly), 1)).toEqual([{ kind: 'too_similar', attribute: 'firstName' }]);
    expect(await screen(testClient('testclient', firstNameOnly))).toEqual([]);
  });

  it('refuses Johnny1970 for first name Johnny (quick ratio 0.75), ignoring case', async () => {
    for (const password of ['Johnny1970', 'JOHNNY1970']) {
      expect(await screen(testClient(password, { firstName: 'Johnny' }))).toEqual([{ kind: 'too_similar', attribute: 'firstName' }]);
    }
  });

  it('draws the line at 0.7: Johnny19701 (2·6/17, 0.71) is refused, Johnny197012 (2·6/18, 0.67) accepted', async () => {
    expect(await screen(testClient('Johnny19701', { firstName: 'Johnny' }))).toEqual([{ kind: 'too_similar', attribute: 'firstName' }]);
    expect(await screen(testClient('Johnny197012', { firstName: 'Johnny' }))).toEqual([]);
  });

  it('reports only the first attribute found, in Django’s order: first name, last name, email', async () => {
    const candidate = testClient('johnny1970', { firstName: 'Johnny', lastName: 'Johnny', email: 'johnny@example.com' });
    expect(await screen(candidate)).toEqual([{ kind: 'too_similar', attribute: 'firstName' }]);
    expect(await screen({ ...candidate, firstName: null })).toEqual([{ kind: 'too_similar', attribute: 'lastName' }]);
    expect(await screen({ ...candidate, firstName: null, lastName: '' })).toEqual([{ kind: 'too_similar', attribute: 'email' }]);
  });

  it('splits the email on non-word characters as Python does in Unicode, so a local part with ü is one word', async () => {
    expect(await screen(testClient('Müller2024!', { email: 'zoe.müller@example.com' }))).toEqual([
      { kind: 'too_similar', attribute: 'email' },
    ]);
  });

  it('counts characters as Python does (code points), not UTF-16 units', async () => {
    // Six characters to Python (2·4/10, 0.8); as eight UTF-16 units the ratio would be 2·4/12, 0.67.
    expect(await screen(testClient('Anna🙂🙂', { firstName: 'Anna' }))).toEqual([{ kind: 'too_similar', attribute: 'firstName' }]);
  });

  it('accepts a password unlike every attribute, and one with no attributes to compare', async () => {
    expect(await screen(testClient('Password123'))).toEqual([]);
    expect(await screen({ password: 'testclient', firstName: null, lastName: null, email: null })).toEqual([]);
  });

  it('refuses a maximum similarity under 0.1, as Django does', () => {
    expect(() => userAttributeSimilarityPolicy({ maxSimilarity: 0.05 })).toThrow(RangeError);
  });
});
