import fc from 'fast-check';
import { base64DecodedLength } from '../../../src/api/schemas/support-data-schemas';

describe('base64DecodedLength', () => {
  it('is the length of what the text decodes to, padded or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64');
        expect(base64DecodedLength(text)).toBe(bytes.length);
      }),
    );
  });
});
