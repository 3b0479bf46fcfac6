// Picks the page language from Accept-Language (RFC 9110 §12.5.4): the highest quality among the languages
// we have, a regional tag counting for its language (de-CH → de); English when none is acceptable.
import { LANGUAGES, type Language } from './catalogue';

export const DEFAULT_LANGUAGE: Language = 'en';

/** A header longer than any real browser's is read only this far (the rest cannot change much). */
const MAX_HEADER_LENGTH = 512;
const RANGE = /^([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*$/;
const QUALITY = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i;

function isLanguage(tag: string): tag is Language {
  return (LANGUAGES as readonly string[]).includes(tag);
}

/** The weight of one `range;q=…` entry, or null when it is malformed. */
function qualityOf(params: string[]): number | null {
  let quality = 1;
  for (const param of params) {
    const match = QUALITY.exec(param.trim());
    if (!match) return param.trim() === '' ? quality : null;
    quality = Number(match[1]);
  }
  return quality;
}

export function negotiateLanguage(header: string | undefined): Language {
  if (!header) return DEFAULT_LANGUAGE;
  let best: Language = DEFAULT_LANGUAGE;
  let bestQuality = 0;
  for (const entry of header.slice(0, MAX_HEADER_LENGTH).split(',')) {
    const [rawRange = '', ...params] = entry.split(';');
    const range = rawRange.trim();
    const quality = qualityOf(params);
    if (quality === null || quality <= bestQuality) continue;
    // "*" accepts anything: English, unless a language we have was preferred before it.
    const primary = range === '*' ? DEFAULT_LANGUAGE : RANGE.exec(range)?.[1]?.toLowerCase();
    if (primary === undefined || !isLanguage(primary)) continue;
    best = primary;
    bestQuality = quality;
  }
  return best;
}
