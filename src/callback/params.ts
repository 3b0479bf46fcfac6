// Callback parameters, validated before anything else: each present once, bounded, well-formed.
import { AppError } from '../errors';
import { LINK_ID_PATTERN } from '../supermetrics/types';
import { STATE_PATTERN } from '../onboarding/state';

export interface CallbackParams {
  state: string;
  linkId: string;
  linkVerifier: string;
}

const MAX_QUERY_LENGTH = 2048;
// The Supermetrics API reference caps redirect_verifier at 255 characters; visible ASCII only.
const VERIFIER_PATTERN = /^[\x21-\x7E]{1,255}$/;

function invalid(message: string): AppError {
  return new AppError('INVALID_REQUEST', message);
}

/** Parses the raw query string (not Express's parsed query, which folds repeats into arrays). */
export function parseCallbackParams(rawQuery: string): CallbackParams {
  if (rawQuery.length > MAX_QUERY_LENGTH) throw invalid('The request is too long.');
  const params = new URLSearchParams(rawQuery);
  const one = (name: string): string => {
    const values = params.getAll(name);
    if (values.length === 0) throw invalid(`The "${name}" parameter is missing.`);
    if (values.length > 1) throw invalid(`The "${name}" parameter is repeated.`);
    return values[0]!;
  };
  const state = one('state');
  const linkId = one('link_id');
  const linkVerifier = one('link_verifier');
  if (!STATE_PATTERN.test(state)) throw invalid('The "state" parameter is malformed.');
  if (!LINK_ID_PATTERN.test(linkId)) throw invalid('The "link_id" parameter is malformed.');
  if (!VERIFIER_PATTERN.test(linkVerifier))
    throw invalid('The "link_verifier" parameter is malformed.');
  return { state, linkId, linkVerifier };
}
