// loadConfig: BRAND_NAME and BRAND_COLOR, optional, checked at start-up with every other problem.
import { loadConfig } from '../src/config';
import { problemsOf } from './helpers/config-problems';

describe('loadConfig: BRAND_NAME and BRAND_COLOR', () => {
  it('leaves the brand unset by default', () => {
    expect(loadConfig({}).brand).toEqual({ name: null, color: null });
  });

  it('reads a name and a colour, the colour in lower case', () => {
    expect(loadConfig({ BRAND_NAME: ' Acme <Reports> ', BRAND_COLOR: '#FFCC00' }).brand).toEqual({
      name: 'Acme <Reports>',
      color: '#ffcc00',
    });
  });

  it.each(['red', '#fc0', 'ffcc00', '#ffcc0g', '#ffcc0000', 'rgb(1,2,3)'])(
    'refuses the colour %j',
    (color) => {
      expect(problemsOf({ BRAND_COLOR: color })).toEqual([
        `BRAND_COLOR: must be a colour written #rrggbb (got "${color}")`,
      ]);
    },
  );

  it('refuses a name that is too long or holds control characters, with the other problems', () => {
    expect(problemsOf({ BRAND_NAME: 'x'.repeat(61), PORT: 'eighty' })).toEqual([
      'PORT: must be a whole number from 1 to 65535 (got "eighty")',
      `BRAND_NAME: must be at most 60 characters (got "${'x'.repeat(61)}")`,
    ]);
    expect(problemsOf({ BRAND_NAME: 'Acme\u0007Reports' })).toEqual([
      'BRAND_NAME: must not contain control characters',
    ]);
  });
});
