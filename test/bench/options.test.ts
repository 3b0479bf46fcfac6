// The bench's command line for the campaign: run it alone, skip it, its seed and its waiting pages.
import { parseOptions } from '../../bench/options';

describe('bench options', () => {
  it('runs the campaign after the load phases by default, with seed 1 and Retry-After honoured', () => {
    const options = parseOptions(['--quick']);
    expect(options.campaign).toBe(true);
    expect(options.campaignOnly).toBe(false);
    expect(options.campaignSeed).toBe(1);
    expect(options.campaignWaitEvery).toBeNull();
  });

  it('runs the campaign alone, or not at all', () => {
    expect(parseOptions(['--campaign-only']).campaignOnly).toBe(true);
    expect(parseOptions(['--no-campaign']).campaign).toBe(false);
    expect(() => parseOptions(['--campaign-only', '--no-campaign'])).toThrow('exclude each other');
  });

  it('takes a seed and a forced waiting-page interval as whole numbers', () => {
    const options = parseOptions(['--campaign-seed', '7', '--campaign-wait-every', '30']);
    expect(options.campaignSeed).toBe(7);
    expect(options.campaignWaitEvery).toBe(30);
    expect(() => parseOptions(['--campaign-seed', 'x'])).toThrow(
      '--campaign-seed needs a whole number',
    );
  });
});
