// What every language's catalogue of end-customer texts holds: plain text (the pages escape it), with
// functions where a name goes in, so each language can place and inflect it in its own way.

export const LANGUAGES = ['en', 'de', 'fr', 'es', 'fi'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The failure codes a customer can meet on a page; anything else gets `failure.otherAdvice`. */
export const PAGE_FAILURE_CODES = [
  'INVALID_REQUEST',
  'STATE_INVALID',
  'LINK_MISMATCH',
  'VERIFIER_MISMATCH',
  'LOGIN_INCOMPLETE',
  'LINK_NOT_FOUND',
  'UPSTREAM_UNAVAILABLE',
  'SERVICE_UNAVAILABLE',
  'TOO_MANY_REQUESTS',
] as const;
export type PageFailureCode = (typeof PAGE_FAILURE_CODES)[number];

/**
 * In every function, `ds` is the data source's name (null when unknown) and `brand` is BRAND_NAME
 * (null when unset).
 */
export interface Catalogue {
  /** The BCP 47 tag of `<html lang>` and Content-Language. */
  lang: Language;
  start: {
    heading(ds: string | null, brand: string | null): string;
    next(ds: string | null): string;
    continue: string;
  };
  waiting: {
    heading: string;
    body(ds: string | null): string;
    tryNow: string;
  };
  success: {
    title: string;
    heading(ds: string | null, brand: string | null): string;
    body(brand: string | null): string;
  };
  /** The callback could not reach the upstream in time: the reconciler will finish the connection. */
  processing: {
    title: string;
    heading: string;
    body(ds: string | null): string;
    close(brand: string | null): string;
  };
  failure: {
    title: string;
    heading: string;
    /** What went wrong, in plain words; for the reload codes, also what to do. */
    advice: Record<PageFailureCode, string>;
    otherAdvice: string;
    /** Shown with the Try again button. */
    tryAgainHint: string;
    /** Shown when there is no Try again button (the start link is not known, or was replaced). */
    startOverHint: string;
    tryAgain: string;
    /** Followed by the code, for a support request. */
    reference: string;
  };
  ended: { heading: string; body: string };
  unknownLink: { heading: string; body: string };
  refused: { heading: string; body: string };
}
