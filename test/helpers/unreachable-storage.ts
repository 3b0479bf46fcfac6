// Storage whose every call fails the way a lost Redis connection does (the parts and ping alike).
import type { Storage } from '../../src/store/store';

function failing<T extends object>(part: T): T {
  return new Proxy(part, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return () => Promise.reject(new Error('Connection is closed.'));
    },
  });
}

export function unreachableStorage(storage: Storage): Storage {
  return {
    onboardings: failing(storage.onboardings),
    webhookQueue: failing(storage.webhookQueue),
    events: failing(storage.events),
    history: failing(storage.history),
    reconcileSchedule: failing(storage.reconcileSchedule),
    openLinks: failing(storage.openLinks),
    ping: () => Promise.reject(new Error('Connection is closed.')),
    close: () => storage.close(),
  };
}
