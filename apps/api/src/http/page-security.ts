import type { FastifyInstance } from 'fastify';

// What every page served by this process allows: its own scripts and calls to its own origin, no
// framing, no <base> rewriting, no native form submission (the pages post with fetch).
const PAGE_CSP_BASE = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
];

/** A page's Content-Security-Policy: the shared base plus what the page's own assets need (styles, images, fonts). */
export function pageContentSecurityPolicy(extra: readonly string[]): string {
  return [...PAGE_CSP_BASE, ...extra].join('; ');
}

/**
 * Gives every answer of `scope` these headers in place of the strict ones the root sets for JSON.
 * The hook runs after the root's onSend hook, so these win.
 */
export function overridePageHeaders(scope: FastifyInstance, headers: Readonly<Record<string, string>>): void {
  scope.addHook('onSend', async (_request, reply) => {
    reply.headers(headers);
  });
}
