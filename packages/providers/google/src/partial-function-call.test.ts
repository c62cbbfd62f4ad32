import { describe, expect, it } from 'vitest';
import { PartialFunctionCall } from './partial-function-call.js';

describe('PartialFunctionCall', () => {
  describe('add', () => {
    it('sets values by JSON path and appends the pieces of a continued string', () => {
      const call = new PartialFunctionCall('fc-1', 'plan', undefined);
      call.add([{ jsonPath: '$.city', stringValue: 'Os', willContinue: true }]);
      call.add([{ jsonPath: '$.city', stringValue: 'lo' }]);
      call.add([
        { jsonPath: '$.stops[0].nights', numberValue: 2 },
        { jsonPath: "$['rail pass']", boolValue: true },
        { jsonPath: '$.note', nullValue: 'NULL_VALUE' },
      ]);
      expect(JSON.parse(call.input())).toEqual({
        city: 'Oslo',
        stops: [{ nights: 2 }],
        'rail pass': true,
        note: null,
      });
    });

    it('starts a string anew when the piece before did not say it would continue', () => {
      const call = new PartialFunctionCall('fc-1', 'plan', undefined);
      call.add([{ jsonPath: '$.city', stringValue: 'Oslo' }]);
      call.add([{ jsonPath: '$.city', stringValue: 'Rome' }]);
      expect(JSON.parse(call.input())).toEqual({ city: 'Rome' });
    });

    it('keeps __proto__ as data, never as a prototype', () => {
      const call = new PartialFunctionCall('fc-1', 'plan', undefined);
      call.add([{ jsonPath: '$.__proto__.polluted', boolValue: true }]);
      expect(call.input()).toBe('{"__proto__":{"polluted":true}}');
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });

    it('refuses a JSON path it cannot set with provider_unavailable', () => {
      const call = new PartialFunctionCall('fc-1', 'plan', undefined);
      expect(() => call.add([{ jsonPath: '$..city', stringValue: 'x' }])).toThrow(
        expect.objectContaining({ code: 'provider_unavailable' }),
      );
      call.add([{ jsonPath: '$.city', stringValue: 'Oslo' }]);
      expect(() => call.add([{ jsonPath: '$.city.name', stringValue: 'x' }])).toThrow(
        expect.objectContaining({ code: 'provider_unavailable' }),
      );
    });
  });
});
