import { z } from 'zod';

/** An integer in a range; every way of missing it says the same thing, so the error reads as what to set. */
export const integer = (min: number, max: number) => {
  const error = `an integer from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

const TRUE_WORDS: readonly string[] = ['true', '1', 'yes', 'on'];
const FALSE_WORDS: readonly string[] = ['false', '0', 'no', 'off'];

/** A boolean as operators write it: true/false, 1/0, yes/no or on/off, in any case. */
export const flag = () =>
  z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .refine((value) => TRUE_WORDS.includes(value) || FALSE_WORDS.includes(value), { error: 'true or false' })
    .transform((value) => TRUE_WORDS.includes(value));

/** Requests allowed per window; null when the limit is off. */
export interface Rate {
  readonly requests: number;
  readonly windowSeconds: number;
}

// DRF's rate syntax: `10/min` is ten per minute; only the period's first letter counts (s, m, h, d).
const RATE_PERIODS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** A rate in DRF's syntax (`N/s`, `N/min`, `N/hour`, `N/day`), or `off` for none. */
export const rate = () =>
  z
    .string()
    .regex(/^(off|\d+\/[smhd][a-z]*)$/, 'a rate like 10/min, or off')
    .transform((value): Rate | null => {
      if (value === 'off') return null;
      const [requests, period] = value.split('/') as [string, string];
      return { requests: Number(requests), windowSeconds: RATE_PERIODS[period[0]!]! };
    });

/** The entries of a comma-separated value, trimmed, empty ones dropped. */
const entries = (value: string): string[] =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

/**
 * A comma-separated list of some of `names`, in the order given; with `off`, the word `off` is the
 * empty list (an empty value means unset, so it cannot say that).
 */
export const commaList = <const T extends string>(names: readonly T[], options: { readonly off?: boolean } = {}) => {
  const error = `a comma-separated list of ${names.join(', ')}${options.off ? ', or off' : ''}`;
  const isName = (entry: string): entry is T => (names as readonly string[]).includes(entry);
  return z
    .string()
    .refine((value) => (options.off && value.trim() === 'off') || (entries(value).length > 0 && entries(value).every(isName)), { error })
    .transform((value): T[] => (value.trim() === 'off' ? [] : entries(value).filter(isName)));
};

// A host name or address, or an IPv6 address in brackets, then a port.
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^\s:/[\]]+):\d{1,5}$/;

/** A comma-separated list of at least one `host:port`, as Kafka's bootstrap servers are given. */
export const hostPortList = () =>
  z
    .string()
    .refine((value) => entries(value).length > 0 && entries(value).every((entry) => HOST_PORT.test(entry)), {
      error: 'a comma-separated list of host:port',
    })
    .transform(entries);

/** A PostgreSQL connection URL. */
export const postgresUrl = () => z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL');

/** An http:// or https:// URL. */
export const httpUrl = () => z.string().regex(/^https?:\/\/[^\s/]+/, 'an http:// or https:// URL');

/** A name such as a topic or client id; surrounding blanks are dropped and a blank value takes the default. */
export const name = (fallback: string) =>
  z
    .string()
    .transform((value) => value.trim() || fallback)
    .default(fallback);
