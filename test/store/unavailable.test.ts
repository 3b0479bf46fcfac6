// storeUnavailable: any failure of a store call becomes one StoreUnavailableError, a bad cursor stays itself.
import { InvalidCursorError, StoreUnavailableError } from '../../src/store/errors';
import { storeUnavailable } from '../../src/store/unavailable';
import { thrownBy } from '../helpers/thrown-by';

describe('storeUnavailable', () => {
  it('wraps a driver error in a StoreUnavailableError whose cause it is', () => {
    const driverError = new Error('Command timed out');
    const wrapped = thrownBy(() => storeUnavailable(driverError));
    expect(wrapped).toBeInstanceOf(StoreUnavailableError);
    expect((wrapped as Error).cause).toBe(driverError);
  });

  it('wraps only once: a StoreUnavailableError passes through as it is', () => {
    const first = thrownBy(() => storeUnavailable(new Error('timeout')));
    expect(thrownBy(() => storeUnavailable(first))).toBe(first);
  });

  it('lets an InvalidCursorError through, so the client hears about its cursor', () => {
    const bad = new InvalidCursorError();
    expect(thrownBy(() => storeUnavailable(bad))).toBe(bad);
  });
});
