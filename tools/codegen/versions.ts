/**
 * Version ranges as Kafka's message specs write them: `"3+"`, `"0-7"`, `"5"`, `"none"`. A range
 * is inclusive at both ends; `"3+"` runs to the largest int16, like Kafka's `Versions.parse`.
 */
export interface VersionRange {
  readonly lo: number;
  readonly hi: number;
}

export const MAX_VERSION = 0x7fff;

/** The empty range (nothing matches it). */
export const NO_VERSIONS: VersionRange = { lo: 1, hi: 0 };

export function parseVersions(text: string, what: string): VersionRange {
  const s = text.trim();
  if (s === 'none') return NO_VERSIONS;
  let m = /^(\d+)\+$/.exec(s);
  if (m) return { lo: Number(m[1]), hi: MAX_VERSION };
  m = /^(\d+)-(\d+)$/.exec(s);
  if (m) {
    const lo = Number(m[1]);
    const hi = Number(m[2]);
    if (lo > hi) throw new Error(`${what}: version range '${text}' is backwards`);
    return { lo, hi };
  }
  m = /^(\d+)$/.exec(s);
  if (m) return { lo: Number(m[1]), hi: Number(m[1]) };
  throw new Error(`${what}: cannot parse version range '${text}'`);
}

export function isEmpty(r: VersionRange): boolean {
  return r.lo > r.hi;
}

export function intersect(a: VersionRange, b: VersionRange): VersionRange {
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi);
  return lo > hi ? NO_VERSIONS : { lo, hi };
}

/** The smallest range containing both (ranges used by one struct from several places). */
export function hull(a: VersionRange, b: VersionRange): VersionRange {
  if (isEmpty(a)) return b;
  if (isEmpty(b)) return a;
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
}

/** True when every version of `inner` is in `outer`. */
export function covers(outer: VersionRange, inner: VersionRange): boolean {
  return isEmpty(inner) || (outer.lo <= inner.lo && inner.hi <= outer.hi);
}

export function contains(r: VersionRange, v: number): boolean {
  return r.lo <= v && v <= r.hi;
}

export function formatVersions(r: VersionRange): string {
  if (isEmpty(r)) return 'none';
  if (r.hi === MAX_VERSION) return `${r.lo}+`;
  return r.lo === r.hi ? `${r.lo}` : `${r.lo}-${r.hi}`;
}

/**
 * A condition true exactly for the versions of `r`, as TypeScript over a variable `version` known
 * to lie in `ctx`: `true`/`false` when the answer does not depend on the version, so callers can
 * drop the test.
 */
export function versionCondition(r: VersionRange, ctx: VersionRange): string | boolean {
  const x = intersect(r, ctx);
  if (isEmpty(x)) return false;
  const needLo = x.lo > ctx.lo;
  const needHi = x.hi < ctx.hi;
  if (!needLo && !needHi) return true;
  if (x.lo === x.hi && needLo && needHi) return `version === ${x.lo}`;
  if (needLo && needHi) return `version >= ${x.lo} && version <= ${x.hi}`;
  return needLo ? `version >= ${x.lo}` : `version <= ${x.hi}`;
}
