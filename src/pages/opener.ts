// The SDK's popup: which web app opened it (one of RETURN_URL_ORIGINS, else nobody), and the one
// script a result page runs to tell that app — by postMessage to that exact origin — how it ended.
import type { OnboardingRecord } from '../store/store';

/** The opener's origin if it is allowed; anything else (absent, malformed, another site) is null. */
export function allowedOpener(value: unknown, allowed: readonly string[]): string | null {
  return typeof value === 'string' && allowed.includes(value) ? value : null;
}

/** Who opened the window of this link through the SDK (still allowed now), or null. */
export function openerOfLink(
  record: OnboardingRecord,
  linkId: string | null,
  allowed: readonly string[],
): string | null {
  const link = record.links.find((l) => l.link_id === linkId);
  return allowedOpener(link?.opener_origin, allowed);
}

export interface OpenerResult {
  status: 'completed' | 'failed';
  onboarding_id: string;
  /** The callback code, when it failed. */
  code?: string;
}

/**
 * The result page's script: posts the result to exactly the opener's origin. Ids, codes and origins
 * are validated values; `<` is escaped anyway so nothing can close the script element.
 */
export function openerNoticeScript(origin: string, result: OpenerResult): string {
  const message = JSON.stringify({ type: 'llr:result', ...result }).replace(/</g, '\\u003c');
  const target = JSON.stringify(origin).replace(/</g, '\\u003c');
  return `window.opener&&window.opener.postMessage(${message},${target});`;
}
