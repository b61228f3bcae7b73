import type {
  AccountCodeRepository,
  DomainEvent,
  MailRequest,
  NewUser,
  Token,
  TokenRepository,
  UnitOfWork,
  UserRepository,
} from '@authsvc/domain';
import { beforeEach, describe, expect, it } from 'vitest';

/** The adapters under test, and a way to read back what the outbox holds. */
export interface PortsUnderTest {
  readonly users: UserRepository;
  readonly tokens: TokenRepository;
  readonly codes: AccountCodeRepository;
  readonly unitOfWork: UnitOfWork;
  /** Events in the outbox, oldest first. */
  outboxEvents(): Promise<DomainEvent[]>;
  /** Emails in the mail queue, oldest first. */
  queuedMail(): Promise<MailRequest[]>;
}

const newUser = (email: string, overrides: Partial<NewUser> = {}): NewUser => ({
  firstName: 'Ada',
  lastName: 'Lovelace',
  email,
  passwordHash: 'hash',
  createdAt: new Date('2026-01-01T00:00:00.000Z'),
  ...overrides,
});

const at = (iso: string) => new Date(iso);

const event = (id: string, userId: number): DomainEvent => ({
  id,
  type: 'user.logged_in',
  version: 1,
  occurredAt: at('2026-01-01T00:00:00.000Z'),
  userId,
  metadata: { ip: '127.0.0.1', userAgent: 'test', requestId: 'r1' },
  data: {},
});

/**
 * The behaviour every implementation of the persistence ports must have. Run against the
 * in-memory fakes and against each real adapter, so the fakes cannot drift from production.
 * `setup` is called before each test and must return empty adapters.
 */
export function describePortContract(name: string, setup: () => Promise<PortsUnderTest>): void {
  describe(`persistence port contract: ${name}`, () => {
    let ports: PortsUnderTest;
    beforeEach(async () => {
      ports = await setup();
    });

    describe('users', () => {
      it('creates a user with a positive integer id, active, as given', async () => {
        const user = await ports.users.create(newUser('Ada@Example.com'));
        expect(user).toMatchObject({
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: 'Ada@Example.com',
          isActive: true,
          emailVerified: false,
        });
        expect(Number.isInteger(user?.id)).toBe(true);
        expect(user!.id).toBeGreaterThan(0);
        expect(await ports.users.findById(user!.id)).toEqual(user);
      });

      it('refuses a second user with the same email in any case, returning null', async () => {
        await ports.users.create(newUser('ada@example.com'));
        expect(await ports.users.create(newUser('ADA@EXAMPLE.COM'))).toBeNull();
      });

      it('finds by email ignoring case and returns null for unknown', async () => {
        const user = await ports.users.create(newUser('Grace@Example.com'));
        expect(await ports.users.findByEmail('grace@EXAMPLE.com')).toEqual(user);
        expect(await ports.users.findByEmail('nobody@example.com')).toBeNull();
        expect(await ports.users.findById(999_999)).toBeNull();
      });

      it('updates the password hash and the active flag', async () => {
        const user = (await ports.users.create(newUser('x@example.com')))!;
        await ports.users.updatePasswordHash(user.id, 'new-hash');
        expect((await ports.users.findById(user.id))?.passwordHash).toBe('new-hash');
        expect(await ports.users.setActive('X@example.com', false)).toMatchObject({ id: user.id, isActive: false });
        expect((await ports.users.findByEmail('x@example.com'))?.isActive).toBe(false);
        expect(await ports.users.setActive('none@example.com', true)).toBeNull();
      });

      it('marks an email verified, and finds no user to mark by an unknown id', async () => {
        const user = (await ports.users.create(newUser('v@example.com')))!;
        expect(await ports.users.markEmailVerified(user.id)).toMatchObject({ id: user.id, emailVerified: true });
        expect((await ports.users.findByEmail('v@example.com'))?.emailVerified).toBe(true);
        expect(await ports.users.markEmailVerified(999_999)).toBeNull();
      });
    });

    describe('tokens', () => {
      const token = (digest: string, userId: number, created: string, expires: string): Token => ({
        // A UUID whose last group tells the tokens apart.
        id: `00000000-0000-4000-8000-${digest.slice(0, 12)}`,
        digest,
        userId,
        createdAt: at(created),
        expiresAt: at(expires),
        ip: '192.0.2.1',
        userAgent: 'curl/8',
      });
      const validity = ({ digest, userId, expiresAt }: Token) => ({ digest, userId, expiresAt });

      it('saves and finds a token with its user in one call, reading no more of the user than authentication needs', async () => {
        const user = (await ports.users.create(newUser('t@example.com')))!;
        const saved = token('a'.repeat(64), user.id, '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z');
        await ports.tokens.save(saved);
        const holder = { id: user.id, firstName: user.firstName, lastName: user.lastName, email: user.email, isActive: true };
        expect(await ports.tokens.findWithUser(saved.digest)).toEqual({ token: validity(saved), user: holder });
        expect(await ports.tokens.findWithUser('b'.repeat(64))).toBeNull();
      });

      it('deletes one token once, and all tokens of a user', async () => {
        const user = (await ports.users.create(newUser('d@example.com')))!;
        const other = (await ports.users.create(newUser('o@example.com')))!;
        await ports.tokens.save(token('1'.repeat(64), user.id, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'));
        await ports.tokens.save(token('2'.repeat(64), user.id, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'));
        await ports.tokens.save(token('3'.repeat(64), user.id, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'));
        await ports.tokens.save(token('4'.repeat(64), other.id, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'));
        expect(await ports.tokens.delete('1'.repeat(64))).toBe(true);
        expect(await ports.tokens.delete('1'.repeat(64))).toBe(false);
        expect(await ports.tokens.deleteAllForUser(user.id)).toBe(2);
        expect(await ports.tokens.findWithUser('4'.repeat(64))).not.toBeNull();
      });

      it('deletes expired tokens in bounded batches and reports their owners', async () => {
        const user = (await ports.users.create(newUser('e@example.com')))!;
        for (const n of [1, 2, 3]) {
          await ports.tokens.save(token(String(n).repeat(64), user.id, '2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z'));
        }
        await ports.tokens.save(token('9'.repeat(64), user.id, '2026-01-01T00:00:00Z', '2026-01-03T00:00:00Z'));
        const now = at('2026-01-02T00:00:00Z');
        expect(await ports.tokens.deleteExpired(now, 2)).toEqual([user.id, user.id]);
        expect(await ports.tokens.deleteExpired(now, 2)).toEqual([user.id]);
        expect(await ports.tokens.deleteExpired(now, 2)).toEqual([]);
        expect(await ports.tokens.findWithUser('9'.repeat(64))).not.toBeNull();
      });

      it('keeps only the newest tokens of a user beyond a cap', async () => {
        const user = (await ports.users.create(newUser('c@example.com')))!;
        await ports.tokens.save(token('1'.repeat(64), user.id, '2026-01-01T00:00:01Z', '2026-01-09T00:00:00Z'));
        await ports.tokens.save(token('2'.repeat(64), user.id, '2026-01-01T00:00:02Z', '2026-01-09T00:00:00Z'));
        await ports.tokens.save(token('3'.repeat(64), user.id, '2026-01-01T00:00:03Z', '2026-01-09T00:00:00Z'));
        expect(await ports.tokens.deleteOldestBeyond(user.id, 2)).toBe(1);
        expect(await ports.tokens.findWithUser('1'.repeat(64))).toBeNull();
        expect(await ports.tokens.findWithUser('3'.repeat(64))).not.toBeNull();
      });

      it("lists a user's live tokens newest first, with what was seen at login", async () => {
        const user = (await ports.users.create(newUser('l@example.com')))!;
        const other = (await ports.users.create(newUser('m@example.com')))!;
        const older = token('1'.repeat(64), user.id, '2026-01-01T00:00:01Z', '2026-01-09T00:00:00Z');
        const newer = { ...token('2'.repeat(64), user.id, '2026-01-01T00:00:02Z', '2026-01-09T00:00:00Z'), ip: null, userAgent: null };
        const expired = token('3'.repeat(64), user.id, '2026-01-01T00:00:03Z', '2026-01-02T00:00:00Z');
        for (const saved of [older, newer, expired, token('4'.repeat(64), other.id, '2026-01-01T00:00:04Z', '2026-01-09T00:00:00Z')]) {
          await ports.tokens.save(saved);
        }
        expect(await ports.tokens.listLive(user.id, at('2026-01-03T00:00:00Z'))).toEqual([newer, older]);
        expect(await ports.tokens.listLive(999_999, at('2026-01-03T00:00:00Z'))).toEqual([]);
      });

      it("revokes a token by id only for its owner, and all of a user's tokens but one", async () => {
        const user = (await ports.users.create(newUser('i@example.com')))!;
        const other = (await ports.users.create(newUser('j@example.com')))!;
        const kept = token('1'.repeat(64), user.id, '2026-01-01T00:00:01Z', '2026-01-09T00:00:00Z');
        const second = token('2'.repeat(64), user.id, '2026-01-01T00:00:02Z', '2026-01-09T00:00:00Z');
        const third = token('3'.repeat(64), user.id, '2026-01-01T00:00:03Z', '2026-01-09T00:00:00Z');
        const theirs = token('4'.repeat(64), other.id, '2026-01-01T00:00:04Z', '2026-01-09T00:00:00Z');
        for (const saved of [kept, second, third, theirs]) await ports.tokens.save(saved);

        expect(await ports.tokens.deleteById(user.id, theirs.id)).toBe(false);
        expect(await ports.tokens.findWithUser(theirs.digest)).not.toBeNull();
        expect(await ports.tokens.deleteById(user.id, second.id)).toBe(true);
        expect(await ports.tokens.deleteById(user.id, second.id)).toBe(false);
        expect(await ports.tokens.deleteOthers(user.id, kept.digest)).toEqual([third.id]);
        expect(await ports.tokens.findWithUser(kept.digest)).not.toBeNull();
        expect(await ports.tokens.findWithUser(theirs.digest)).not.toBeNull();
        expect(await ports.tokens.deleteOthers(user.id, kept.digest)).toEqual([]);
      });
    });

    describe('emailed codes', () => {
      const code = (digest: string, userId: number, purpose: 'password_reset' | 'email_verification', expires: string) => ({
        digest,
        purpose,
        userId,
        createdAt: at('2026-01-01T00:00:00Z'),
        expiresAt: at(expires),
      });
      const before = at('2026-01-01T00:30:00Z');
      const after = at('2026-01-01T02:00:00Z');

      it('finds a code by purpose and digest only while it is valid', async () => {
        const user = (await ports.users.create(newUser('k@example.com')))!;
        const saved = code('a'.repeat(64), user.id, 'password_reset', '2026-01-01T01:00:00Z');
        await ports.codes.save(saved);
        expect(await ports.codes.find('password_reset', saved.digest, before)).toEqual(saved);
        expect(await ports.codes.find('email_verification', saved.digest, before)).toBeNull();
        expect(await ports.codes.find('password_reset', saved.digest, after)).toBeNull();
        expect(await ports.codes.find('password_reset', 'b'.repeat(64), before)).toBeNull();
      });

      it('consumes a valid code once, even when asked concurrently, and never an expired one', async () => {
        const user = (await ports.users.create(newUser('n@example.com')))!;
        const live = code('a'.repeat(64), user.id, 'email_verification', '2026-01-01T01:00:00Z');
        await ports.codes.save(live);
        const outcomes = await Promise.all(Array.from({ length: 8 }, () => ports.codes.consume('email_verification', live.digest, before)));
        expect(outcomes.filter((outcome) => outcome !== null)).toEqual([live]);
        expect(await ports.codes.find('email_verification', live.digest, before)).toBeNull();

        const stale = code('c'.repeat(64), user.id, 'email_verification', '2026-01-01T01:00:00Z');
        await ports.codes.save(stale);
        expect(await ports.codes.consume('email_verification', stale.digest, after)).toBeNull();
        expect(await ports.codes.consume('password_reset', stale.digest, before)).toBeNull();
      });

      it("deletes one purpose of a user's codes, and purges expired codes in bounded batches", async () => {
        const user = (await ports.users.create(newUser('p@example.com')))!;
        const other = (await ports.users.create(newUser('q@example.com')))!;
        await ports.codes.save(code('1'.repeat(64), user.id, 'password_reset', '2026-01-01T01:00:00Z'));
        await ports.codes.save(code('2'.repeat(64), user.id, 'password_reset', '2026-01-01T01:00:00Z'));
        await ports.codes.save(code('3'.repeat(64), user.id, 'email_verification', '2026-01-01T01:00:00Z'));
        await ports.codes.save(code('4'.repeat(64), other.id, 'password_reset', '2026-01-01T01:00:00Z'));
        expect(await ports.codes.deleteForUser(user.id, 'password_reset')).toBe(2);
        expect(await ports.codes.find('email_verification', '3'.repeat(64), before)).not.toBeNull();
        expect(await ports.codes.find('password_reset', '4'.repeat(64), before)).not.toBeNull();

        await ports.codes.save(code('5'.repeat(64), user.id, 'password_reset', '2026-01-01T03:00:00Z'));
        expect(await ports.codes.purgeExpired(after, 1)).toBe(1);
        expect(await ports.codes.purgeExpired(after, 10)).toBe(1);
        expect(await ports.codes.purgeExpired(after, 10)).toBe(0);
        expect(await ports.codes.find('password_reset', '5'.repeat(64), after)).not.toBeNull();
      });
    });

    describe('unit of work and outbox', () => {
      it('commits writes and events together', async () => {
        const user = await ports.unitOfWork.run(async (tx) => {
          const created = (await tx.users.create(newUser('u@example.com')))!;
          await tx.outbox.append([
            event('00000000-0000-4000-8000-000000000001', created.id),
            event('00000000-0000-4000-8000-000000000002', created.id),
          ]);
          return created;
        });
        expect(await ports.users.findById(user.id)).not.toBeNull();
        const events = await ports.outboxEvents();
        expect(events.map((e) => e.id)).toEqual(['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002']);
        expect(events[0]).toEqual(event('00000000-0000-4000-8000-000000000001', user.id));
      });

      it('queues emails with the transaction, and drops them when it rolls back', async () => {
        const mail: MailRequest = { kind: 'email_verification', to: 'Mail@Example.com', firstName: 'Ada', key: 'f'.repeat(40) };
        await ports.unitOfWork.run((tx) => tx.mail.enqueue(mail));
        await expect(
          ports.unitOfWork.run(async (tx) => {
            await tx.mail.enqueue({ ...mail, to: 'rolled@example.com' });
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await ports.queuedMail()).toEqual([mail]);
      });

      it('rolls back writes and events when the work throws', async () => {
        await expect(
          ports.unitOfWork.run(async (tx) => {
            const created = (await tx.users.create(newUser('r@example.com')))!;
            await tx.outbox.append([event('00000000-0000-4000-8000-000000000003', created.id)]);
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await ports.users.findByEmail('r@example.com')).toBeNull();
        expect(await ports.outboxEvents()).toEqual([]);
      });
    });
  });
}
