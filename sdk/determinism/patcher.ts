/**
 * Installs wrappers over properties of shared objects (Math, crypto, fs, process.stdout, ...) and remembers the
 * originals so every patch can be undone (tests, the benchmark, a replay session switching modes). The record and
 * replay sides share these patch points: only the behaviour behind the wrapper differs.
 */

/** A function of unknown signature; wrappers pass their arguments through untouched. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wrappers must accept and forward any signature
export type AnyFn = (...args: any[]) => any;

interface Saved {
  target: object;
  key: PropertyKey;
  /** The own descriptor before patching; undefined when the property was inherited (e.g. from a prototype). */
  desc: PropertyDescriptor | undefined;
}

export class Patcher {
  private readonly saved: Saved[] = [];

  /**
   * Replaces `target[key]` (a function) with `make(original)`. The wrapper gets the original's name and length, so
   * `Math.random.name` and `fs.writeFile.length` look unchanged. Returns the original, or undefined (and patches
   * nothing) when the property is missing, not a function, or a non-configurable own property.
   */
  wrap<F extends AnyFn>(target: object, key: PropertyKey, make: (original: F) => F): F | undefined {
    const original = (target as Record<PropertyKey, unknown>)[key];
    if (typeof original !== 'function') return undefined;
    if (Object.getOwnPropertyDescriptor(target, key)?.configurable === false) return undefined;
    const wrapper = make(original as F);
    copyIdentity(wrapper, original as F);
    this.set(target, key, wrapper);
    return original as F;
  }

  /** Sets `target[key] = value`, keeping the previous own descriptor for restore(). */
  set(target: object, key: PropertyKey, value: unknown): void {
    const desc = Object.getOwnPropertyDescriptor(target, key);
    this.saved.push({ target, key, desc });
    Object.defineProperty(target, key, {
      value,
      writable: true,
      configurable: true,
      enumerable: desc ? desc.enumerable === true : false,
    });
  }

  /** Undoes every patch, newest first. */
  restore(): void {
    for (let i = this.saved.length - 1; i >= 0; i--) {
      const { target, key, desc } = this.saved[i];
      try {
        if (desc) Object.defineProperty(target, key, desc);
        else delete (target as Record<PropertyKey, unknown>)[key];
      } catch {
        // A frozen or redefined property stays as it is; nothing else to restore it with.
      }
    }
    this.saved.length = 0;
  }
}

/** Gives the wrapper the original's `name` and `length` (both configurable on ordinary functions). */
export function copyIdentity(wrapper: AnyFn, original: AnyFn): void {
  try {
    Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
    Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  } catch {
    // Cosmetic only.
  }
}
