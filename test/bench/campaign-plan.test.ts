// The campaign's workload: a seeded PRNG that repeats, and customers drawn with the mix and bounds.
import {
  DEFAULT_SHAPE,
  planCustomers,
  seededPrng,
  seededRandomSource,
} from '../../bench/campaign-plan';

function draw(seed: number, count: number): number[] {
  const prng = seededPrng(seed);
  return Array.from({ length: count }, () => prng());
}

describe('seededPrng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    expect(draw(42, 50)).toEqual(draw(42, 50));
    expect(draw(43, 50)).not.toEqual(draw(42, 50));
  });

  it('draws in [0, 1) and spreads over the whole range', () => {
    const values = draw(7, 10_000);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const tenths = new Set(values.map((v) => Math.floor(v * 10)));
    expect(tenths.size).toBe(10);
  });
});

describe('seededRandomSource', () => {
  it('gives the requested number of bytes, the same for the same seed', () => {
    const a = seededRandomSource(seededPrng(5));
    const b = seededRandomSource(seededPrng(5));
    const first = a(24);
    expect(first).toHaveLength(24);
    expect(first.equals(b(24))).toBe(true);
    expect(a(24).equals(first)).toBe(false);
  });
});

describe('planCustomers', () => {
  it('plans the same customers for the same seed', () => {
    expect(planCustomers(9)).toEqual(planCustomers(9));
    expect(planCustomers(10)).not.toEqual(planCustomers(9));
  });

  it('makes exactly 10 % never finish and 5 % close the tab, the rest complete', () => {
    const plans = planCustomers(3);
    const count = (fate: string) => plans.filter((p) => p.fate === fate).length;
    expect(plans).toHaveLength(200);
    expect(count('never_finishes')).toBe(20);
    expect(count('closes_tab')).toBe(10);
    expect(count('completes')).toBe(170);
  });

  it('numbers customers in creation order, arriving within the hour, authenticating in 30–300 s', () => {
    const plans = planCustomers(11);
    expect(plans.map((p) => p.index)).toEqual(plans.map((_, i) => i));
    for (const plan of plans) {
      expect(Number.isInteger(plan.arrivalSeconds)).toBe(true);
      expect(plan.arrivalSeconds).toBeGreaterThanOrEqual(0);
      expect(plan.arrivalSeconds).toBeLessThan(DEFAULT_SHAPE.arrivalWindowSeconds);
      expect(Number.isInteger(plan.authSeconds)).toBe(true);
      expect(plan.authSeconds).toBeGreaterThanOrEqual(30);
      expect(plan.authSeconds).toBeLessThanOrEqual(300);
    }
  });

  it('spreads the fates among the customers rather than by position', () => {
    const plans = planCustomers(3);
    const firstTwenty = plans.slice(0, 20).map((p) => p.fate);
    expect(new Set(firstTwenty).size).toBeGreaterThan(1);
  });

  it('refuses shares that add up to more than every customer', () => {
    expect(() =>
      planCustomers(1, { ...DEFAULT_SHAPE, neverFinishShare: 0.7, closeTabShare: 0.5 }),
    ).toThrow(RangeError);
  });
});
