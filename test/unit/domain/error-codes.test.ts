import { REFUSAL_CODES } from '../../../src/domain/account-lifecycle';
import { ERROR_CODES } from '../../../src/domain/error-codes';

describe('ERROR_CODES', () => {
  it.each(Object.entries(ERROR_CODES))('sends %s as its own name', (name, code) => {
    expect(code).toBe(name);
  });

  it('holds every lifecycle refusal under the same string, so the API can pass them through', () => {
    for (const [name, code] of Object.entries(REFUSAL_CODES)) {
      expect(ERROR_CODES).toHaveProperty(name, code);
    }
  });
});
