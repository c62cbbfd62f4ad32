/**
 * Fills every `{{name}}` of an agent prompt from the step's resolved inputs: strings as they are,
 * other values as JSON. Placeholders without an input are left as written (validation refuses
 * them before a run starts).
 *
 * @internal
 */
export function renderPrompt(prompt: string, input: Record<string, unknown>): string {
  return prompt.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/g, (whole, name: string) => {
    if (!Object.hasOwn(input, name)) return whole;
    const value = input[name];
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
  });
}
