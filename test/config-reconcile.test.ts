// loadConfig for RECONCILE_BUDGET_SHARE (and the re-check default) and LOG_PRETTY: defaults, blanks, refusals.
import { loadConfig } from '../src/config';
import { problemsOf } from './helpers/config-problems';

describe('loadConfig: reconciliation', () => {
  it('defaults to a 60 s first re-check and half of the upstream budget', () => {
    const config = loadConfig({});
    expect(config.reconcileIntervalSeconds).toBe(60);
    expect(config.reconcileBudgetShare).toBe(0.5);
  });

  it.each([
    ['0.25', 0.25],
    [' 1 ', 1],
    ['1.0', 1],
    ['.1', 0.1],
  ])('reads RECONCILE_BUDGET_SHARE %j', (value, share) => {
    expect(loadConfig({ RECONCILE_BUDGET_SHARE: value }).reconcileBudgetShare).toBe(share);
  });

  it('treats a blank RECONCILE_BUDGET_SHARE as unset', () => {
    expect(loadConfig({ RECONCILE_BUDGET_SHARE: '  ' }).reconcileBudgetShare).toBe(0.5);
  });

  it.each(['0', '0.0', '1.5', '-0.5', 'half', '50%', '1e-1', '2'])(
    'refuses RECONCILE_BUDGET_SHARE %j, naming the variable and the value',
    (value) => {
      expect(problemsOf({ RECONCILE_BUDGET_SHARE: value })).toEqual([
        expect.stringMatching(new RegExp(`^RECONCILE_BUDGET_SHARE: .*above 0.*"${value}"`)),
      ]);
    },
  );
});

describe('loadConfig: logs', () => {
  it('writes JSON unless LOG_PRETTY asks for pretty lines', () => {
    expect(loadConfig({}).logPretty).toBe(false);
    expect(loadConfig({ LOG_PRETTY: 'true' }).logPretty).toBe(true);
    expect(loadConfig({ LOG_PRETTY: '0' }).logPretty).toBe(false);
    expect(problemsOf({ LOG_PRETTY: 'yes please' })[0]).toMatch(/^LOG_PRETTY: /);
  });
});
