import { randomUUID } from 'node:crypto';
import type {
  AccountCode,
  AccountCodePurpose,
  AccountCodeRepository,
  DomainEvent,
  MailKind,
  MailQueue,
  MailRequest,
  NewUser,
  Outbox,
  Token,
  TokenRepository,
  TokenWithUser,
  TransactionalPorts,
  UnitOfWork,
  User,
  UserRepository,
} from '@authsvc/domain';
import { normalizeEmail } from '@authsvc/domain';

/** The state the in-memory adapters share: what tests assert on. */
export interface InMemoryState {
  users: Map<number, User>;
  tokens: Map<string, Token>;
  /** Emailed one-time codes by digest. */
  codes: Map<string, AccountCode>;
  outbox: DomainEvent[];
  /** Emails queued, in order, as use cases asked for them. */
  mail: MailRequest[];
  /** The same emails as a mailer delivers them: claimed, sent, retried, failed. */
  mailDeliveries: InMemoryMailRecord[];
  nextUserId: number;
}

/** One queued email and its delivery state, as the `mail_queue` table holds it. */
export interface InMemoryMailRecord {
  readonly id: string;
  readonly kind: MailKind;
  readonly recipient: string;
  /** What to send; null once sent or failed, so the secret is gone. */
  readonly request: MailRequest | null;
  readonly status: 'pending' | 'sent' | 'failed';
  readonly attempts: number;
  /** When it is due; null for at once. */
  readonly nextAttemptAt: Date | null;
  readonly lockedUntil: Date | null;
  readonly lastError: string | null;
}

const emptyState = (): InMemoryState => ({
  users: new Map(),
  tokens: new Map(),
  codes: new Map(),
  outbox: [],
  mail: [],
  mailDeliveries: [],
  nextUserId: 1,
});

const copyState = (state: InMemoryState): InMemoryState => ({
  users: new Map(state.users),
  tokens: new Map(state.tokens),
  codes: new Map(state.codes),
  outbox: [...state.outbox],
  mail: [...state.mail],
  mailDeliveries: [...state.mailDeliveries],
  nextUserId: state.nextUserId,
});

/** A user repository over a shared in-memory state. */
export class InMemoryUserRepository implements UserRepository {
  constructor(private readonly store: InMemoryStore) {}

  async create(user: NewUser): Promise<User | null> {
    const state = this.store.state;
    if ([...state.users.values()].some((u) => normalizeEmail(u.email) === normalizeEmail(user.email))) return null;
    const created: User = { ...user, id: state.nextUserId++, isActive: true, emailVerified: false };
    state.users.set(created.id, created);
    return created;
  }

  async findByEmail(email: string): Promise<User | null> {
    return [...this.store.state.users.values()].find((u) => normalizeEmail(u.email) === normalizeEmail(email)) ?? null;
  }

  async findById(id: number): Promise<User | null> {
    return this.store.state.users.get(id) ?? null;
  }

  async updatePasswordHash(id: number, passwordHash: string): Promise<void> {
    const user = this.store.state.users.get(id);
    if (user) this.store.state.users.set(id, { ...user, passwordHash });
  }

  async markEmailVerified(id: number): Promise<User | null> {
    const user = this.store.state.users.get(id);
    if (!user) return null;
    const updated = { ...user, emailVerified: true };
    this.store.state.users.set(id, updated);
    return updated;
  }

  async setActive(email: string, isActive: boolean): Promise<User | null> {
    const user = await this.findByEmail(email);
    if (!user) return null;
    const updated = { ...user, isActive };
    this.store.state.users.set(user.id, updated);
    return updated;
  }
}

/** A token repository over a shared in-memory state. */
export class InMemoryTokenRepository implements TokenRepository {
  constructor(private readonly store: InMemoryStore) {}

  async save(token: Token): Promise<void> {
    this.store.state.tokens.set(token.digest, token);
  }

  async findWithUser(digest: string): Promise<TokenWithUser | null> {
    const token = this.store.state.tokens.get(digest);
    const user = token && this.store.state.users.get(token.userId);
    if (!token || !user) return null;
    return {
      token: { digest: token.digest, userId: token.userId, expiresAt: token.expiresAt },
      user: { id: user.id, firstName: user.firstName, lastName: user.lastName, email: user.email, isActive: user.isActive },
    };
  }

  async delete(digest: string): Promise<boolean> {
    return this.store.state.tokens.delete(digest);
  }

  async deleteAllForUser(userId: number): Promise<number> {
    return this.deleteWhere([...this.store.state.tokens.values()].filter((t) => t.userId === userId)).length;
  }

  async deleteExpired(now: Date, limit: number): Promise<number[]> {
    const expired = [...this.store.state.tokens.values()].filter((t) => t.expiresAt.getTime() <= now.getTime());
    return this.deleteWhere(expired.slice(0, limit)).map((t) => t.userId);
  }

  async deleteOldestBeyond(userId: number, keep: number): Promise<number> {
    const newestFirst = [...this.store.state.tokens.values()]
      .filter((t) => t.userId === userId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    return this.deleteWhere(newestFirst.slice(keep)).length;
  }

  async listLive(userId: number, now: Date): Promise<Token[]> {
    return [...this.store.state.tokens.values()]
      .filter((t) => t.userId === userId && t.expiresAt.getTime() > now.getTime())
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  async deleteById(userId: number, id: string): Promise<boolean> {
    return this.deleteWhere([...this.store.state.tokens.values()].filter((t) => t.userId === userId && t.id === id)).length > 0;
  }

  async deleteOthers(userId: number, keepDigest: string): Promise<string[]> {
    const others = [...this.store.state.tokens.values()].filter((t) => t.userId === userId && t.digest !== keepDigest);
    return this.deleteWhere(others).map((t) => t.id);
  }

  private deleteWhere(tokens: Token[]): Token[] {
    for (const t of tokens) this.store.state.tokens.delete(t.digest);
    return tokens;
  }
}

/** Emailed one-time codes over a shared in-memory state. */
export class InMemoryAccountCodeRepository implements AccountCodeRepository {
  constructor(private readonly store: InMemoryStore) {}

  async save(code: AccountCode): Promise<void> {
    this.store.state.codes.set(code.digest, code);
  }

  async find(purpose: AccountCodePurpose, digest: string, now: Date): Promise<AccountCode | null> {
    return this.valid(purpose, digest, now);
  }

  async consume(purpose: AccountCodePurpose, digest: string, now: Date): Promise<AccountCode | null> {
    // Looked up and deleted with no await between, so concurrent callers cannot both get it.
    const code = this.valid(purpose, digest, now);
    if (code) this.store.state.codes.delete(digest);
    return code;
  }

  private valid(purpose: AccountCodePurpose, digest: string, now: Date): AccountCode | null {
    const code = this.store.state.codes.get(digest);
    return code?.purpose === purpose && code.expiresAt.getTime() > now.getTime() ? code : null;
  }

  async deleteForUser(userId: number, purpose: AccountCodePurpose): Promise<number> {
    return this.deleteWhere((code) => code.userId === userId && code.purpose === purpose, Number.POSITIVE_INFINITY);
  }

  async purgeExpired(now: Date, limit: number): Promise<number> {
    return this.deleteWhere((code) => code.expiresAt.getTime() <= now.getTime(), limit);
  }

  private deleteWhere(matches: (code: AccountCode) => boolean, limit: number): number {
    const doomed = [...this.store.state.codes.values()].filter(matches).slice(0, limit);
    for (const code of doomed) this.store.state.codes.delete(code.digest);
    return doomed.length;
  }
}

/** An outbox that keeps events in memory, in order. */
export class InMemoryOutbox implements Outbox {
  constructor(private readonly store: InMemoryStore) {}

  async append(events: readonly DomainEvent[]): Promise<void> {
    this.store.state.outbox.push(...events);
  }
}

/** A mail queue that keeps requests in memory, in order. */
export class InMemoryMailQueue implements MailQueue {
  constructor(private readonly store: InMemoryStore) {}

  async enqueue(request: MailRequest): Promise<void> {
    this.store.state.mail.push(request);
    this.store.state.mailDeliveries.push({
      id: randomUUID(),
      kind: request.kind,
      recipient: request.to,
      request,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: null,
      lockedUntil: null,
      lastError: null,
    });
  }
}

/**
 * All in-memory adapters over one state, with a unit of work that restores the state when its
 * work throws, as a database transaction would roll back.
 */
export class InMemoryStore implements UnitOfWork {
  state: InMemoryState = emptyState();
  /** Whether a relay's outbox delivery holds the lease, so other relays stand by. */
  delivering = false;
  readonly users = new InMemoryUserRepository(this);
  readonly tokens = new InMemoryTokenRepository(this);
  readonly codes = new InMemoryAccountCodeRepository(this);
  readonly outbox = new InMemoryOutbox(this);
  readonly mail = new InMemoryMailQueue(this);

  async run<T>(work: (tx: TransactionalPorts) => Promise<T>): Promise<T> {
    const before = copyState(this.state);
    try {
      return await work(this);
    } catch (error) {
      this.state = before;
      throw error;
    }
  }
}
