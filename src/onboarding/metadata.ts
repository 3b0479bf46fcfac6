// The integrator's metadata: a plain JSON object, shallow enough to walk, small enough to carry around.

export const METADATA_MAX_BYTES = 4096;
export const METADATA_MAX_DEPTH = 32;

/**
 * Why `value` is not acceptable metadata, or null. Walks without recursion (a hostile body can nest
 * thousands of levels within 16 kB) and refuses `__proto__` keys, which object rebuilding would drop.
 */
export function metadataProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'must be a JSON object';
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > METADATA_MAX_DEPTH) return `must nest at most ${METADATA_MAX_DEPTH} levels`;
    for (const key of Object.keys(node)) {
      if (key === '__proto__') return 'must not use the key "__proto__"';
      stack.push([(node as Record<string, unknown>)[key], depth + 1]);
    }
  }
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > METADATA_MAX_BYTES)
    return `must be at most ${METADATA_MAX_BYTES} bytes as JSON`;
  return null;
}
