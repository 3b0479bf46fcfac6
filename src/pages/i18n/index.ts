// The language catalogues of the end-customer pages, and the one for a request (its Accept-Language).
import type { IncomingMessage } from 'node:http';
import type { Catalogue, Language } from './catalogue';
import { de } from './de';
import { en } from './en';
import { es } from './es';
import { fi } from './fi';
import { fr } from './fr';
import { negotiateLanguage } from './negotiate';

export { LANGUAGES, PAGE_FAILURE_CODES } from './catalogue';
export type { Catalogue, Language, PageFailureCode } from './catalogue';
export { negotiateLanguage } from './negotiate';

export const CATALOGUES: Readonly<Record<Language, Catalogue>> = { en, de, fr, es, fi };

/** The texts in the language the browser asks for. */
export function textsFor(req: IncomingMessage): Catalogue {
  return CATALOGUES[negotiateLanguage(req.headers['accept-language'])];
}
