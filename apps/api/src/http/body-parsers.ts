import { messages } from '@authsvc/contracts';
import type { FastifyInstance } from 'fastify';

/**
 * A request body as DRF sees it: parsed data, or the error that reading it would raise. The
 * error is only reported when a view reads the body, as DRF parses lazily (logout, which reads
 * none, does not fail on a body it cannot parse).
 */
export type ParsedBody =
  { readonly kind: 'data'; readonly data: unknown } | { readonly kind: 'error'; readonly status: 400 | 415; readonly detail: string };

/** Marks bodies produced by these parsers, so an unparsed (empty) body is told apart. */
const PARSED = Symbol('parsed body');

type Marked = ParsedBody & { readonly [PARSED]: true };

const mark = (body: ParsedBody): Marked => ({ ...body, [PARSED]: true });

/** Reads what the parsers left on the request; a request with no body is an empty form, as in DRF. */
export function parsedBody(body: unknown): ParsedBody {
  return typeof body === 'object' && body !== null && PARSED in body ? (body as Marked) : { kind: 'data', data: {} };
}

function parseJson(text: string): ParsedBody {
  if (text.trim() === '') return { kind: 'data', data: {} };
  try {
    return { kind: 'data', data: JSON.parse(text) as unknown };
  } catch (error) {
    return { kind: 'error', status: 400, detail: messages.jsonParseError((error as Error).message) };
  }
}

function parseForm(text: string): ParsedBody {
  const data: Record<string, string> = {};
  // A repeated key keeps its last value, as Django's QueryDict.get does.
  for (const [key, value] of new URLSearchParams(text)) data[key] = value;
  return { kind: 'data', data };
}

/**
 * Installs DRF's parsers (JSON and form-encoded) in this encapsulated context, and answers any
 * other media type with DRF's 415 when the view reads the body.
 */
export function installDrfParsers(server: FastifyInstance): void {
  server.removeAllContentTypeParsers();
  server.addContentTypeParser(['application/json', 'application/x-www-form-urlencoded'], { parseAs: 'string' }, (request, text, done) => {
    const isJson = (request.headers['content-type'] ?? '').toLowerCase().includes('json');
    done(null, mark(isJson ? parseJson(String(text)) : parseForm(String(text))));
  });
  server.addContentTypeParser('*', { parseAs: 'buffer' }, (request, _body, done) => {
    const mediaType = request.headers['content-type'] ?? '';
    done(null, mark({ kind: 'error', status: 415, detail: messages.unsupportedMediaType(mediaType) }));
  });
}
