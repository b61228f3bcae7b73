import { createHash } from 'node:crypto';
import { http, HttpResponse, type HttpHandler } from 'msw';

/** The real API's base URL: tests serve it with msw in-process, so nothing leaves the machine. */
export const PWNED_PASSWORDS_URL = 'https://api.pwnedpasswords.com';

/** One request the served range API received. */
export interface RangeRequest {
  readonly prefix: string;
  readonly addPadding: string | null;
}

/** What the served range API knows. */
export interface RangeApiOptions {
  /** Passwords seen in breaches, with how often. */
  readonly breached?: Readonly<Record<string, number>>;
  /** Passwords whose suffix is listed as padding, with count 0 (as the real API may pad with any suffix). */
  readonly padded?: readonly string[];
  /** Where the API is served; the real address by default. */
  readonly baseUrl?: string;
}

const sha1 = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex').toUpperCase();

// The real API pads a range to between 800 and 1,000 lines when asked.
const PADDED_LINES = 800;

/**
 * Serves the Pwned Passwords range API as the real one answers: `SUFFIX:COUNT` lines in uppercase
 * hex, CRLF-separated, with decoy suffixes of the same range that were breached too and, when the
 * request has `Add-Padding: true`, padding lines with count 0. Records every request it answers.
 */
export function servePwnedPasswordsRange(options: RangeApiOptions = {}): { handler: HttpHandler; requests: RangeRequest[] } {
  const requests: RangeRequest[] = [];
  const baseUrl = options.baseUrl ?? PWNED_PASSWORDS_URL;
  const handler = http.get(`${baseUrl}/range/:prefix`, ({ request, params }) => {
    const prefix = String(params.prefix);
    const addPadding = request.headers.get('add-padding');
    requests.push({ prefix, addPadding });
    const lines: string[] = [];
    for (const [password, count] of Object.entries(options.breached ?? {})) {
      const digest = sha1(password);
      if (digest.startsWith(prefix)) lines.push(`${digest.slice(5)}:${count}`);
    }
    for (const password of options.padded ?? []) {
      const digest = sha1(password);
      if (digest.startsWith(prefix)) lines.push(`${digest.slice(5)}:0`);
    }
    // Decoys: other suffixes of the range, breached, so only an exact suffix match may count.
    for (let i = 0; i < 20; i += 1) lines.push(`${sha1(`decoy ${prefix} ${i}`).slice(5)}:${i + 1}`);
    for (let i = 0; addPadding === 'true' && lines.length < PADDED_LINES; i += 1) lines.push(`${sha1(`pad ${prefix} ${i}`).slice(5)}:0`);
    return HttpResponse.text(lines.sort().join('\r\n'));
  });
  return { handler, requests };
}

/**
 * msw's `onUnhandledRequest` for suites that also call servers on loopback: those pass through,
 * anything else fails the request, so no test can reach the internet.
 */
export function loopbackOnly(request: Request, print: { error(): void }): void {
  const { hostname } = new URL(request.url);
  if (hostname !== '127.0.0.1' && hostname !== 'localhost' && hostname !== '[::1]') print.error();
}
