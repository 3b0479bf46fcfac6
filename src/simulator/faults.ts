// Fault injection: the next N matching requests are delayed, answered with a chosen status, or dropped.
import type { Request, RequestHandler, Response } from 'express';
import { classifyRequest } from './classify-request';
import type { FaultEndpoint, FaultSpec, RecordedEndpoint } from './types';

const FAULT_ENDPOINTS: readonly FaultEndpoint[] = [
  'list',
  'get',
  'create',
  'update',
  'close',
  'login',
  'any',
];

/** Why a spec cannot be used, or null when it is fine. */
export function faultSpecProblem(spec: unknown): string | null {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    return 'a fault must be an object';
  const s = spec as Record<string, unknown>;
  if (!FAULT_ENDPOINTS.includes(s.endpoint as FaultEndpoint))
    return `endpoint must be one of ${FAULT_ENDPOINTS.join(', ')}`;
  if (s.times !== undefined && !(Number.isInteger(s.times) && (s.times as number) >= 1))
    return 'times must be a whole number, at least 1';
  if (s.status !== undefined && !(Number.isInteger(s.status) && isHttpStatus(s.status as number)))
    return 'status must be a whole number from 100 to 599';
  if (s.delayMs !== undefined && !(typeof s.delayMs === 'number' && s.delayMs >= 0))
    return 'delayMs must be a number, at least 0';
  if (s.drop !== undefined && typeof s.drop !== 'boolean') return 'drop must be a boolean';
  if (s.body !== undefined && typeof s.body !== 'string' && typeof s.body !== 'object')
    return 'body must be a string or an object';
  if (s.headers !== undefined && !stringRecord(s.headers))
    return 'headers must be an object of strings';
  if (s.drop === undefined && s.status === undefined && s.delayMs === undefined)
    return 'a fault needs status, delayMs or drop';
  return null;
}

function isHttpStatus(n: number): boolean {
  return n >= 100 && n <= 599;
}

function stringRecord(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}

/** Pending faults, first injected first used; each request uses up at most one. */
export class FaultQueue {
  private entries: { spec: FaultSpec; remaining: number }[] = [];

  inject(spec: FaultSpec): void {
    const problem = faultSpecProblem(spec);
    if (problem) throw new TypeError(`Invalid fault: ${problem}`);
    this.entries.push({ spec: { ...spec }, remaining: spec.times ?? 1 });
  }

  clear(): void {
    this.entries = [];
  }

  take(endpoint: RecordedEndpoint): FaultSpec | null {
    const entry = this.entries.find(
      (e) => e.spec.endpoint === endpoint || e.spec.endpoint === 'any',
    );
    if (!entry) return null;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.entries = this.entries.filter((e) => e !== entry);
    return entry.spec;
  }
}

/** Timers for delay faults, so closing the simulator does not wait for (or leak) them. */
export class DelayTimers {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();

  /** Resolves true after ms, or false at once when cancelled. */
  wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve(true);
      }, ms);
      this.pending.set(timer, () => resolve(false));
    });
  }

  cancelAll(): void {
    for (const [timer, cancel] of this.pending) {
      clearTimeout(timer);
      cancel();
    }
    this.pending.clear();
  }
}

/** Applies the next matching fault, before authentication and rate limiting. Mounted after the
 * control routes, so 'any' never blocks the controls that would clear it. */
export function applyFaults(queue: FaultQueue, timers: DelayTimers): RequestHandler {
  return async function applyFault(req, res, next) {
    const fault = queue.take(classifyRequest(req.method, req.path));
    if (!fault) return next();
    if (fault.delayMs !== undefined && fault.delayMs > 0) {
      const waited = await timers.wait(fault.delayMs);
      if (!waited) return dropConnection(req);
    }
    if (fault.drop) return dropConnection(req);
    if (fault.status === undefined) return next();
    sendFaultAnswer(res, fault);
  };
}

function dropConnection(req: Request): void {
  req.socket.destroy();
}

/** An object body goes out as JSON; a string raw, as HTML when it looks like markup, else as JSON.
 * setHeader, not res.set: Express would append a charset to the Content-Type. */
function sendFaultAnswer(res: Response, fault: FaultSpec): void {
  res.status(fault.status!);
  if (typeof fault.body === 'object') res.setHeader('Content-Type', 'application/json');
  else if (typeof fault.body === 'string')
    res.setHeader(
      'Content-Type',
      fault.body.trimStart().startsWith('<') ? 'text/html' : 'application/json',
    );
  for (const [name, value] of Object.entries(fault.headers ?? {})) res.setHeader(name, value);
  const body = typeof fault.body === 'object' ? JSON.stringify(fault.body) : (fault.body ?? '');
  res.send(Buffer.from(body, 'utf8'));
}
