// Date behaviours that must be identical with and without the recorder (shared by the determinism agents).
import util from 'node:util';

export function dateSemantics() {
  class Sub extends Date {
    twice() {
      return this.getTime() * 2;
    }
  }
  const now = new Date();
  return {
    epochIso: new Date(0).toISOString(),
    fromParts: new Date(2020, 1, 29, 12, 30).getTime(),
    fromString: new Date('2021-03-04T05:06:07.008Z').getTime(),
    fromDate: new Date(new Date(12345)).getTime(),
    invalid: String(new Date(NaN)),
    undefinedArg: Number.isNaN(new Date(undefined).getTime()),
    utc: Date.UTC(2020, 0, 2, 3, 4, 5),
    parse: Date.parse('2020-01-01T00:00:00Z'),
    instanceofNow: now instanceof Date,
    instanceofFixed: new Date(5) instanceof Date,
    constructorIsDate: now.constructor === Date,
    protoSame: Object.getPrototypeOf(now) === Date.prototype,
    tag: Object.prototype.toString.call(now),
    isDate: util.types.isDate(now),
    typeofDate: typeof Date,
    name: Date.name,
    length: Date.length,
    callIsString: typeof Date(),
    json: JSON.stringify(new Date(0)),
    cloned: structuredClone(new Date(77)).getTime(),
    subInstance: new Sub() instanceof Sub && new Sub(4) instanceof Date,
    subMethod: new Sub(21).twice(),
    inspect: util.inspect(new Date(0)),
    nowIsNumber: typeof Date.now(),
  };
}
