// BRAND_NAME and BRAND_COLOR: the integrator's product name and accent on the end-customer pages.
import { BRAND_COLOR_PATTERN, BRAND_NAME_MAX_LENGTH } from '../pages/brand';
import { WITHOUT_VALUE } from './config-error';
import { text } from './values';

/** Control characters would not show on a page (the pages escape everything else). */
function hasControlCharacter(name: string): boolean {
  return [...name].some((c) => {
    const code = c.codePointAt(0)!;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
}

export const brandName = text
  .max(BRAND_NAME_MAX_LENGTH, `must be at most ${BRAND_NAME_MAX_LENGTH} characters`)
  // The message leaves the value out: echoing a control character could garble the terminal.
  .refine((name) => !hasControlCharacter(name), {
    message: 'must not contain control characters',
    params: WITHOUT_VALUE,
  });

export const brandColor = text.regex(BRAND_COLOR_PATTERN, 'must be a colour written #rrggbb');
