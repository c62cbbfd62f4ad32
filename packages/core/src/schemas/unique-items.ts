import { z } from 'zod';

/**
 * An array whose items may not repeat. Each repeat is reported at its own index, so a
 * configuration error points at the second `"read"`, not at the whole list.
 *
 * @param item - the schema of one item
 * @param label - how messages name the list, such as `actions` or `scopes`
 * @example
 * ```ts
 * const scopes = uniqueItemsSchema(z.string().min(1), 'scopes');
 * scopes.safeParse(['read', 'read']).error?.issues[0]?.path; // [1]
 * ```
 */
export function uniqueItemsSchema<TItem extends z.ZodType>(item: TItem, label: string) {
  return z.array(item).check((context) => {
    const seen = new Set<unknown>();
    context.value.forEach((value, index) => {
      if (seen.has(value)) {
        context.issues.push({
          code: 'custom',
          input: value,
          path: [index],
          message: `${label} lists ${JSON.stringify(value)} more than once.`,
          params: { suggestion: `Remove the repeated ${JSON.stringify(value)}.` },
        });
      }
      seen.add(value);
    });
  });
}
