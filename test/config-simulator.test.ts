// The simulator's settings: read by loadSimulatorConfig (`npm run simulator`) and by loadConfig (sandbox).
import { loadConfig } from '../src/config';
import { loadSimulatorConfig } from '../src/simulator/config';
import { problemsOf } from './helpers/config-problems';

describe('simulator settings', () => {
  it('reads HOST, SIMULATOR_PORT and SIMULATOR_API_KEY for `npm run simulator`', () => {
    expect(
      loadSimulatorConfig({ HOST: '127.0.0.1', SIMULATOR_PORT: '9002', SIMULATOR_API_KEY: 'k9' }),
    ).toEqual({ host: '127.0.0.1', port: 9002, apiKey: 'k9' });
  });

  it('gives the receiver the same settings for its sandbox simulator', () => {
    expect(loadConfig({ SIMULATOR_PORT: '9002', SIMULATOR_API_KEY: 'k9' }).simulator).toEqual({
      port: 9002,
      apiKey: 'k9',
    });
  });

  it('stops the receiver too on a bad SIMULATOR_PORT, since its sandbox listens there', () => {
    expect(problemsOf({ SIMULATOR_PORT: '0' })).toEqual([
      'SIMULATOR_PORT: must be a whole number from 1 to 65535 (got "0")',
    ]);
  });
});
