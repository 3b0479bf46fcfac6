// Records every request the simulator receives, in order, and counts them per endpoint, for tests to inspect.
import type { RequestHandler } from 'express';
import type { Clock } from '../lib/clock';
import { describeRequest } from './classify-request';
import type { RecordedEndpoint, RecordedRequest } from './types';

const ENDPOINTS: readonly RecordedEndpoint[] = [
  'list',
  'get',
  'create',
  'update',
  'close',
  'login',
  'other',
];

export type RequestCounts = Record<RecordedEndpoint, number>;

/**
 * The log and the counts kept apart: a long run may empty `entries` to bound its memory (the
 * benchmark does) and still read how many requests each endpoint received.
 */
export class RequestLog {
  readonly entries: RecordedRequest[] = [];
  private tally: RequestCounts = zeroCounts();

  record(entry: RecordedRequest): void {
    this.entries.push(entry);
    this.tally[entry.endpoint] += 1;
  }

  counts(): RequestCounts {
    return { ...this.tally };
  }

  /** Empties the log in place (references to `entries` stay valid) and zeroes the counts. */
  clear(): void {
    this.entries.length = 0;
    this.tally = zeroCounts();
  }
}

function zeroCounts(): RequestCounts {
  return Object.fromEntries(ENDPOINTS.map((endpoint) => [endpoint, 0])) as RequestCounts;
}

export function recordRequests(log: RequestLog, clock: Clock): RequestHandler {
  return function recordRequest(req, _res, next) {
    log.record({
      ...describeRequest(req.method, req.path),
      method: req.method,
      path: req.originalUrl,
      time: clock.now(),
      headers: { ...req.headers },
    });
    next();
  };
}
