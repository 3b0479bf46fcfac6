// The invitation campaign's customers, drawn from a seeded PRNG: when each arrives, how long each takes to
// authenticate, and which never finish or close the tab; the same seed gives the same campaign.
import type { RandomSource } from '../src/lib/ids';

/** A PRNG in [0, 1): mulberry32, small and fast; enough for drawing a workload, not for secrets. */
export type Prng = () => number;

export function seededPrng(seed: number): Prng {
  let a = seed >>> 0;
  return function next(): number {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Bytes from the PRNG, for the simulator's and the service's ids and secrets: with them the whole run
 * (link ids, states, and so every ordering that depends on them) repeats exactly. A bench only.
 */
export function seededRandomSource(prng: Prng): RandomSource {
  return (bytes) => {
    const out = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i++) out[i] = Math.floor(prng() * 256);
    return out;
  };
}

/** completes: authenticates and comes back; never_finishes: opens the login page and leaves;
 * closes_tab: authenticates and closes the tab before the callback (only reconciliation finds it). */
export type CustomerFate = 'completes' | 'never_finishes' | 'closes_tab';

export interface CustomerPlan {
  /** Position in creation order (the invitation sent first is 0). */
  index: number;
  /** Seconds after the invitations were sent. */
  arrivalSeconds: number;
  /** Seconds from opening the login page to pressing Authenticate. */
  authSeconds: number;
  fate: CustomerFate;
}

export interface CampaignShape {
  customers: number;
  /** Arrivals are uniform over [0, arrivalWindowSeconds). */
  arrivalWindowSeconds: number;
  minAuthSeconds: number;
  maxAuthSeconds: number;
  /** Shares of the customers (rounded to whole customers). */
  neverFinishShare: number;
  closeTabShare: number;
}

/** The campaign: 200 invitations over an hour, 30 s–5 min each, 10 % never finish, 5 % close the tab. */
export const DEFAULT_SHAPE: CampaignShape = {
  customers: 200,
  arrivalWindowSeconds: 3600,
  minAuthSeconds: 30,
  maxAuthSeconds: 300,
  neverFinishShare: 0.1,
  closeTabShare: 0.05,
};

function shuffle<T>(items: T[], prng: Prng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(prng() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Exactly round(share × customers) of each fate, shuffled among the customers, so a seed cannot make the
 * campaign easier than its shares say; arrival and duration in whole seconds (the upstream's resolution).
 */
export function planCustomers(seed: number, shape: CampaignShape = DEFAULT_SHAPE): CustomerPlan[] {
  const prng = seededPrng(seed);
  const never = Math.round(shape.customers * shape.neverFinishShare);
  const closeTab = Math.round(shape.customers * shape.closeTabShare);
  if (never + closeTab > shape.customers) throw new RangeError('the shares exceed every customer');
  const fates: CustomerFate[] = [
    ...Array<CustomerFate>(never).fill('never_finishes'),
    ...Array<CustomerFate>(closeTab).fill('closes_tab'),
    ...Array<CustomerFate>(shape.customers - never - closeTab).fill('completes'),
  ];
  shuffle(fates, prng);
  const span = shape.maxAuthSeconds - shape.minAuthSeconds + 1;
  return fates.map((fate, index) => ({
    index,
    arrivalSeconds: Math.floor(prng() * shape.arrivalWindowSeconds),
    authSeconds: shape.minAuthSeconds + Math.floor(prng() * span),
    fate,
  }));
}
