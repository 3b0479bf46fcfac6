// Guards the link_id path segment and our X-Request-Id before they reach a URL or a header.
import { SupermetricsError } from './errors';
import { LINK_ID_PATTERN } from './types';

const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The encoded path segment for a link id. Checked against the upstream's pattern first so that
 * `../x`, `a/b` or `%2F` can never steer the request to another path; encoded anyway in case the
 * pattern is ever loosened.
 */
export function linkIdSegment(linkId: unknown): string {
  if (typeof linkId !== 'string' || !LINK_ID_PATTERN.test(linkId)) {
    throw new SupermetricsError({
      kind: 'invalid_input',
      code: 'INVALID_LINK_ID',
      status: null,
      requestId: null,
      message: 'link_id must match ^[A-Za-z0-9_-]{1,50}$',
    });
  }
  return encodeURIComponent(linkId);
}

/** Our request id when it is safe to send as a header; otherwise undefined (it is dropped). */
export function sendableRequestId(requestId: string | undefined): string | undefined {
  return requestId !== undefined && REQUEST_ID_PATTERN.test(requestId) ? requestId : undefined;
}
