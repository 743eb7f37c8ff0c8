/**
 * The wording of unknown values: the close ones suggested, every valid one listed, and "none" when there are none
 * (a project without VLANs), never an empty list.
 */
import { suggestion, unknownValue } from '../../lib/contract/catalog-rules';

describe('unknown values', () => {
  it('suggests the close values and lists every valid one, sorted', () => {
    expect(unknownValue('metro', 'nyc', ['sv', 'ny', 'da'])).toBe('unknown metro "nyc"; did you mean "ny"? (valid values: da, ny, sv)');
    expect(suggestion('zz', ['b', 'a'])).toBe('valid values: a, b');
  });

  it('says "none" when nothing is valid', () => {
    expect(unknownValue('VLAN', '2000', [])).toBe('unknown VLAN "2000"; valid values: none');
  });
});
