/** A surrogate half without its partner: valid in a JavaScript string, not encodable as UTF-8. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether PostgreSQL can store the text as given. It refuses NUL in `text` and in `json`/`jsonb`, and an unpaired
 * surrogate is not UTF-8 at all (the driver would silently store U+FFFD in text, and jsonb refuses the escape).
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !UNPAIRED_SURROGATE.test(text);
}

/**
 * The field paths (dot-joined, as validation errors name them) of every string in `value` that PostgreSQL cannot
 * store. A bad object key is reported at its object's path, so the key itself is never echoed.
 */
export function unstorablePaths(value: unknown, path: readonly string[] = []): string[] {
  if (typeof value === 'string') return isStorableText(value) ? [] : [path.join('.')];
  if (Array.isArray(value)) return value.flatMap((item, i) => unstorablePaths(item, [...path, String(i)]));
  if (value === null || typeof value !== 'object') return [];
  const entries = Object.entries(value);
  const badKey = entries.some(([key]) => !isStorableText(key));
  const inside = entries.flatMap(([key, item]) => (isStorableText(key) ? unstorablePaths(item, [...path, key]) : []));
  return badKey ? [path.join('.'), ...inside] : inside;
}

/**
 * {@link isStorableText} as far as a JSON Schema `pattern` can say it portably: no NUL. The other half, surrogates
 * only in pairs, has no pattern that ECMA-262 and the fuzzers' regex engines read alike (a class of surrogates means
 * code units to one and code points to the other), so the document says it in words (openapi-completion.ts).
 */
export const STORABLE_TEXT_PATTERN = '^[^\\u0000]*$';
