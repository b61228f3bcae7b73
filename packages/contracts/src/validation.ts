import type { z } from 'zod';
import { messages } from './messages.js';
import type { FieldErrors } from './rest.js';

/** The outcome of validating a request body against a contract schema. */
export type Validation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: FieldErrors };

// How DRF names the Python type of a body that is not a JSON object.
const pythonTypeName = (body: unknown): string => {
  if (Array.isArray(body)) return 'list';
  if (typeof body === 'string') return 'str';
  if (typeof body === 'boolean') return 'bool';
  if (typeof body === 'number') return Number.isInteger(body) ? 'int' : 'float';
  return 'NoneType';
};

/** A validation issue as zod and Standard Schema report it. */
export interface SchemaIssue {
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
  readonly message: string;
}

/** Groups validation issues by their top-level field, as DRF's `{"field": ["message"]}`. */
export function toFieldErrors(error: { readonly issues: readonly SchemaIssue[] }): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const head = issue.path?.[0];
    const key = typeof head === 'object' && head !== null ? head.key : head;
    const field = typeof key === 'string' ? key : 'non_field_errors';
    (errors[field] ??= []).push(issue.message);
  }
  return errors;
}

/** Validates a parsed body, reporting every faulty field at once in DRF's shape. */
export function validateBody<S extends z.ZodType>(schema: S, body: unknown): Validation<z.output<S>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: { non_field_errors: [messages.notAnObject(pythonTypeName(body))] } };
  }
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: toFieldErrors(parsed.error) };
}
