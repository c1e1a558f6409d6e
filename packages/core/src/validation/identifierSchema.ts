import { z } from 'zod';
import { lazyInstance } from '../lazyInstance.js';

/** C0 and C1 control characters (line breaks, NUL, escape, ...). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** True when a string is well-formed UTF-16: no lone surrogate, which no store can keep as is. */
export const isWellFormed = (value: string): boolean => value.isWellFormed();

/**
 * Strings that enter a journey from outside (payload strings, input) must be well-formed
 * Unicode: a lone surrogate is silently replaced by SQLite and PostgreSQL, so what was
 * acknowledged would not be what is read back.
 */
export const wellFormedString = lazyInstance(() => z.string().refine(isWellFormed, { message: 'must be well-formed Unicode text (it contains a lone surrogate)' }));

/**
 * Ids, refs and keys (journey ids, `patientRef`, actor ids, idempotency keys, plugin timer
 * keys): 1 to 200 characters of well-formed Unicode without control characters (line breaks,
 * tabs, NUL). Anything printable is allowed, e.g. UUIDs, `pt-8842`, `clinic/42#3`, `Zoë`.
 */
export const identifierSchema = lazyInstance(() =>
  z
    .string()
    .min(1)
    .max(200)
    .refine(isWellFormed, { message: 'must be well-formed Unicode text (it contains a lone surrogate)' })
    .refine((value) => !CONTROL.test(value), { message: 'must not contain control characters (line breaks, tabs, NUL)' }),
);
