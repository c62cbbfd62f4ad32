/** A problem found in a template, with the keys leading to it. @internal */
export interface TemplateProblem {
  /** Keys from the template's root. */
  path: (string | number)[];
  /** What is wrong. */
  message: string;
}

/** The parameter types of a template. @internal */
export type TemplateParameterType =
  'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';

interface ParameterLike {
  name: string;
  type: TemplateParameterType;
  default?: unknown;
  enum?: unknown[];
}

/** `{{params.name}}` inside a string. @internal */
export const STRING_PLACEHOLDER = /\{\{\s*params\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Tells whether a value is a whole-value placeholder, `{ "$param": "name" }`.
 *
 * @internal
 */
export function isParameterPlaceholder(value: unknown): value is { $param: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as Record<string, unknown>).$param === 'string'
  );
}

/**
 * Tells whether a value has a parameter's type; `undefined` when it does, else what it is.
 *
 * @internal
 */
export function describeTypeMismatch(
  type: TemplateParameterType,
  value: unknown,
): string | undefined {
  const ok =
    type === 'string'
      ? typeof value === 'string'
      : type === 'number'
        ? typeof value === 'number' && Number.isFinite(value)
        : type === 'integer'
          ? Number.isInteger(value)
          : type === 'boolean'
            ? typeof value === 'boolean'
            : type === 'array'
              ? Array.isArray(value)
              : typeof value === 'object' && value !== null && !Array.isArray(value);
  if (ok) return undefined;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && type === 'integer') return `the fraction ${value}`;
  return typeof value === 'object' ? 'an object' : `the ${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Finds what is wrong with a template's parameters and placeholders.
 *
 * @internal
 */
export function findTemplateProblems(template: {
  parameters: readonly ParameterLike[];
  [key: string]: unknown;
}): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const byName = new Map<string, ParameterLike>();
  template.parameters.forEach((parameter, index) => {
    if (byName.has(parameter.name)) {
      problems.push({
        path: ['parameters', index, 'name'],
        message: `The parameter "${parameter.name}" is declared twice.`,
      });
    }
    byName.set(parameter.name, parameter);
    if (parameter.default !== undefined) {
      const mismatch = describeTypeMismatch(parameter.type, parameter.default);
      if (mismatch) {
        problems.push({
          path: ['parameters', index, 'default'],
          message: `The default of "${parameter.name}" must be of type ${parameter.type}, not ${mismatch}.`,
        });
      }
    }
    parameter.enum?.forEach((allowed, position) => {
      const mismatch = describeTypeMismatch(parameter.type, allowed);
      if (mismatch) {
        problems.push({
          path: ['parameters', index, 'enum', position],
          message: `The allowed values of "${parameter.name}" must be of type ${parameter.type}, not ${mismatch}.`,
        });
      }
    });
  });
  const visit = (value: unknown, path: (string | number)[]) => {
    if (isParameterPlaceholder(value)) {
      if (!byName.has(value.$param)) {
        problems.push({
          path,
          message: `The placeholder { "$param": "${value.$param}" } names no declared parameter.`,
        });
      }
      return;
    }
    if (typeof value === 'string') {
      for (const match of value.matchAll(STRING_PLACEHOLDER)) {
        const name = match[1] ?? '';
        const parameter = byName.get(name);
        if (!parameter)
          problems.push({
            path,
            message: `The placeholder {{params.${name}}} names no declared parameter.`,
          });
        else if (parameter.type === 'object' || parameter.type === 'array') {
          problems.push({
            path,
            message: `The ${parameter.type} parameter "${name}" cannot be written inside a string; use { "$param": "${name}" }.`,
          });
        }
      }
      return;
    }
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, [...path, index]));
    else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) visit(child, [...path, key]);
    }
  };
  for (const key of ['name', 'description', 'steps', 'triggers', 'errorHandling', 'parallel']) {
    visit(template[key], [key]);
  }
  return problems;
}

/**
 * Replaces every placeholder in a template value with its parameter's value.
 *
 * @internal
 */
export function substituteParameters(
  value: unknown,
  values: ReadonlyMap<string, unknown>,
): unknown {
  if (isParameterPlaceholder(value)) return structuredClone(values.get(value.$param));
  if (typeof value === 'string') {
    return value.replace(STRING_PLACEHOLDER, (_match, name: string) => String(values.get(name)));
  }
  if (Array.isArray(value)) return value.map((item) => substituteParameters(item, values));
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value))
      result[key] = substituteParameters(child, values);
    return result;
  }
  return value;
}
