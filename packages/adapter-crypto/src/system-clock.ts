import { randomUUID } from 'node:crypto';
import type { Clock, IdGenerator } from '@authsvc/domain';

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** Random (v4) UUIDs from the CSPRNG. */
export const randomIds: IdGenerator = { uuid: () => randomUUID() };
