// The simulator's public types: its options, fault specs, recorded requests and handles.
import type { Express } from 'express';
import type { Clock } from '../lib/clock';
import type { RandomSource } from '../lib/ids';
import type { LoginLink } from '../supermetrics/types';
import type { OpenerPolicy, SimulatorSettings } from './settings';

export interface SimulatorOptions {
  /** Bearer key accepted; default 'sandbox'. */
  apiKey?: string;
  /** Drives created/expiry/login times, expiry, 90-day removal and rate windows. */
  clock?: Clock;
  /** Max OPEN links per team, default 5 (403 LINK_LIMIT_EXCEEDED beyond). */
  linkLimit?: number;
  /** API requests per hour per key, default 10000; sent as X-RateLimit-Limit. */
  hourlyBudget?: number;
  /** Base URL used to build login_url; default: the URL it listens on. */
  publicUrl?: string;
  random?: RandomSource;
  /** Cross-Origin-Opener-Policy on the hosted login pages; default none. Changeable later by updateSettings. */
  loginPageOpenerPolicy?: OpenerPolicy | null;
}

export type SimulatorEndpoint = 'list' | 'get' | 'create' | 'update' | 'close';
export type RecordedEndpoint = SimulatorEndpoint | 'login' | 'other';
export type FaultEndpoint = SimulatorEndpoint | 'login' | 'any';

export interface FaultSpec {
  endpoint: FaultEndpoint;
  /** Applies to the next N matching requests, default 1. */
  times?: number;
  /** Answer with this status ... */
  status?: number;
  /** ... and this body (a string is sent raw, e.g. HTML or truncated JSON). */
  body?: string | Record<string, unknown>;
  headers?: Record<string, string>;
  /** Wait before answering (combined with status, or before the normal answer). */
  delayMs?: number;
  /** Destroy the socket without any answer. */
  drop?: boolean;
}

export interface RecordedRequest {
  endpoint: RecordedEndpoint;
  /** The link_id a get, update or close names in its path; null for every other request. */
  linkId: string | null;
  method: string;
  /** Raw URL as received. */
  path: string;
  time: number;
  headers: Record<string, string | string[] | undefined>;
}

export interface AuthenticateOptions {
  /** Default 'user@example.com', or require_username when the link sets one. */
  username?: string;
  /**
   * Simulates upstream lag: the link reads CLOSED but login_id/login_username/login_time read
   * as null for the next N API GETs of that link.
   */
  loginVisibleAfterReads?: number;
}

/** An authentication attempt in progress: a login page that was opened and not yet submitted. */
export interface LoginAttempt {
  readonly linkId: string;
  /** The id the login page's form carries (its hidden "attempt" field). */
  readonly attemptId: string;
  /**
   * Same effect as pressing "Authenticate" on that page. Closing the link does not stop it (the
   * link stays CLOSED and gains its login fields); it throws once the link has a login, is EXPIRED
   * or was removed.
   */
  authenticate(options?: AuthenticateOptions): { redirectUrl: string | null };
}

export interface RunningSimulator {
  /** http://127.0.0.1:PORT */
  url: string;
  /** url + '/enterprise/v2' */
  apiUrl: string;
  port: number;
  close(): Promise<void>;
}

export interface Simulator {
  app: Express;
  faults: { inject(spec: FaultSpec): void; clear(): void };
  /** Every request received (API, login pages, control), in order. */
  requests: RecordedRequest[];
  /**
   * Requests received per endpoint since creation or clearRequests(), e.g. list vs get reads;
   * kept apart from `requests`, so emptying that array in place does not reset them.
   */
  requestCounts(): Record<RecordedEndpoint, number>;
  /** Empties `requests` (in place) and zeroes requestCounts(), e.g. to count one act of a test. */
  clearRequests(): void;
  /**
   * The current view as GET would return it (null if unknown/removed); not counted as a request.
   * During a loginVisibleAfterReads lag it too shows null login fields, without using up a read.
   */
  getLink(linkId: string): LoginLink | null;
  /** Same effect as pressing "Authenticate" on the login page; throws if the link is not OPEN. */
  authenticate(linkId: string, options?: AuthenticateOptions): { redirectUrl: string | null };
  /**
   * Same effect as opening the login page: starts an attempt to finish later, also after the link
   * was closed. Throws (LoginRefusedError) if the link is not OPEN.
   */
  startAttempt(linkId: string): LoginAttempt;
  /** The settings in force (a copy). */
  settings(): SimulatorSettings;
  /** Changes settings from the next request on; throws TypeError, changing nothing, on a bad value. */
  updateSettings(patch: Partial<SimulatorSettings>): void;
  /** Test hook to force odd states. */
  setLink(linkId: string, patch: Partial<LoginLink>): void;
  /** Default port 0, host 127.0.0.1. */
  listen(port?: number, host?: string): Promise<RunningSimulator>;
}
