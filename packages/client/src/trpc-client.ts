import type { AppRouter } from '@authsvc/api-router';
import type { FieldErrors } from '@authsvc/contracts';
import { createTRPCClient, httpLink, TRPCClientError, type TRPCClient } from '@trpc/client';

/** Options of {@link createTrpcClient}. */
export interface TrpcClientOptions {
  /** Where the service is, e.g. `http://127.0.0.1:8000`; the router is at `/trpc` below it. */
  readonly baseUrl: string;
  /** The token to send, or a function read before each call (so a login can change it). */
  readonly token?: string | (() => string | undefined);
  /** The fetch to use (default the global one). */
  readonly fetch?: typeof fetch;
}

/** A tRPC client bound to the service's router: `auth.register`, `auth.login`, `auth.me`, ... */
export type AuthTrpcClient = TRPCClient<AppRouter>;

/** Creates a typed tRPC client of the service at `baseUrl`, sending the token as REST does. */
export function createTrpcClient(options: TrpcClientOptions): AuthTrpcClient {
  const readToken = typeof options.token === 'function' ? options.token : () => options.token as string | undefined;
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${options.baseUrl.replace(/\/+$/, '')}/trpc`,
        headers: () => {
          const token = readToken();
          return token === undefined ? {} : { authorization: `Token ${token}` };
        },
        ...(options.fetch && { fetch: options.fetch }),
      }),
    ],
  });
}

/** The REST-shaped body of a tRPC failure (`{"field": [...]}` or `{"detail": ...}`), if it is one. */
export function trpcErrorBody(error: unknown): FieldErrors | { readonly detail: string } | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  const details = typeof data === 'object' && data !== null && 'details' in data ? data.details : null;
  return typeof details === 'object' && details !== null ? (details as FieldErrors | { readonly detail: string }) : null;
}
