// The error catalogue: each code's one HTTP status, and which messages reach the client.
import { STATUS_CODES } from 'node:http';
import {
  AppError,
  ERROR_CATALOGUE,
  HIDDEN_MESSAGE,
  toEnvelope,
  type ErrorCode,
} from '../src/errors';

const CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

/** "Payload Too Large" → PAYLOAD_TOO_LARGE: the code a status's own name would give. */
function codeNamed(reasonPhrase: string): string {
  return reasonPhrase.toUpperCase().replace(/[^A-Z]+/g, '_');
}

describe('the error catalogue', () => {
  it('gives every code a 4xx or 5xx status, and AppError answers with it', () => {
    for (const code of CODES) {
      const { status } = ERROR_CATALOGUE[code];
      expect([code, status >= 400 && status < 600]).toEqual([code, true]);
      expect(new AppError(code, 'message').status).toBe(status);
    }
  });

  it('answers a code named after an HTTP status with that status', () => {
    const statusByName = new Map(
      Object.entries(STATUS_CODES).map(([status, phrase]) => [codeNamed(phrase!), Number(status)]),
    );
    const named = CODES.filter((code) => statusByName.has(code));
    expect(named).toEqual(expect.arrayContaining(['PAYLOAD_TOO_LARGE', 'UNPROCESSABLE_ENTITY']));
    for (const code of named)
      expect([code, ERROR_CATALOGUE[code].status]).toEqual([code, statusByName.get(code)]);
  });

  it('gives the callback codes the statuses of the README table', () => {
    const callbackTable: Record<string, number> = {
      INVALID_REQUEST: 400,
      STATE_INVALID: 400,
      LINK_MISMATCH: 400,
      VERIFIER_MISMATCH: 400,
      LOGIN_INCOMPLETE: 400,
      LINK_NOT_FOUND: 400,
      UPSTREAM_UNAVAILABLE: 503,
      SERVICE_UNAVAILABLE: 503,
      TOO_MANY_REQUESTS: 429,
    };
    for (const [code, status] of Object.entries(callbackTable))
      expect([code, ERROR_CATALOGUE[code as ErrorCode]?.status]).toEqual([code, status]);
  });

  it('hides the message of INTERNAL_SERVER_ERROR only', () => {
    const hidden = CODES.filter((code) => !ERROR_CATALOGUE[code].exposeMessage);
    expect(hidden).toEqual(['INTERNAL_SERVER_ERROR']);
  });
});

describe('toEnvelope', () => {
  it('replaces an internal error message with a generic text', () => {
    const err = new AppError('INTERNAL_SERVER_ERROR', 'redis: connection refused at 10.0.0.7');
    expect(toEnvelope(err, 'req_1')).toEqual({
      meta: { request_id: 'req_1' },
      error: { code: 'INTERNAL_SERVER_ERROR', message: HIDDEN_MESSAGE },
    });
  });

  it('shows the message of another 5xx, with its description and details', () => {
    const err = new AppError('SERVICE_UNAVAILABLE', 'Retry shortly.', {
      description: 'The store is unreachable.',
      details: { field: null },
    });
    expect(toEnvelope(err, 'req_2')).toEqual({
      meta: { request_id: 'req_2' },
      error: {
        code: 'SERVICE_UNAVAILABLE',
        message: 'Retry shortly.',
        description: 'The store is unreachable.',
        field: null,
      },
    });
  });
});
