import type { z } from 'zod';
import { isErrorCode, type ErrorCode } from '../errors/index.js';
import { readConfigValue } from '../compliance/read-config-value.js';
import { formatPath } from '../schemas/serializable.js';
import { closestMatch } from './closest-match.js';
import type { ConfigurationIssue } from './configuration-issue.js';
import { isSecretKey, maskSecret, maskSecrets } from './mask-secrets.js';

interface Definition {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  getter?: () => z.ZodType;
}

const definition = (schema: z.ZodType): Definition =>
  (schema as unknown as { _zod: { def: Definition } })._zod.def;

/** The keys an object schema accepts at `path` of `input`, to suggest a fix for a typo. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[], input: unknown): string[] {
  let current: z.ZodType | undefined = schema;
  let value = input;
  let index = 0;
  while (current) {
    const def = definition(current);
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'readonly':
      case 'nonoptional':
      case 'prefault':
        current = def.innerType;
        continue;
      case 'pipe':
        current = def.in;
        continue;
      case 'lazy':
        current = def.getter?.();
        continue;
      case 'union': {
        const discriminant =
          def.discriminator && typeof value === 'object' && value !== null
            ? (value as Record<string, unknown>)[def.discriminator]
            : undefined;
        current =
          def.options?.find((option) => {
            const shape = unwrapObject(option);
            const literal = shape?.[def.discriminator ?? ''];
            return literal !== undefined && literal.safeParse(discriminant).success;
          }) ?? def.options?.[0];
        continue;
      }
      default:
        break;
    }
    if (index === path.length) return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
    const segment = path[index];
    index += 1;
    value =
      typeof value === 'object' && value !== null
        ? (value as Record<PropertyKey, unknown>)[segment as PropertyKey]
        : undefined;
    if (def.type === 'object') current = def.shape?.[String(segment)];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return [];
  }
  return [];
}

function unwrapObject(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = definition(schema);
  if (def.type === 'object') return def.shape;
  if (def.type === 'pipe' && def.in) return unwrapObject(def.in);
  return undefined;
}

/** Describes a received value briefly: its type, and NaN/Infinity explicitly. */
function describeReceived(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number')
    return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? `${value}` : String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** Zod's own messages start with these; anything else was written by the schema's author. */
const defaultMessage =
  /^(Invalid input|Too small|Too big|Invalid option|Invalid string|Invalid|Unrecognized)/;

const expectedWords: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  date: 'a date',
};

/**
 * Turns zod issues into configuration issues: one per unknown key (with a did-you-mean), with the
 * received value masked where it is a secret and a suggestion for every problem.
 *
 * @internal
 */
export function toConfigurationIssues(
  issues: readonly z.core.$ZodIssue[],
  options: {
    schema: z.ZodType;
    input: unknown;
    prefix: (string | number)[];
    secretPaths: ReadonlySet<string>;
  },
): ConfigurationIssue[] {
  const result: ConfigurationIssue[] = [];
  const make = (
    segments: (string | number)[],
    code: ErrorCode,
    message: string,
    suggestion: string,
    received: unknown,
  ): ConfigurationIssue => {
    const path = formatPath(segments);
    const last = segments[segments.length - 1];
    const secret = options.secretPaths.has(path) || (typeof last === 'string' && isSecretKey(last));
    const issue: ConfigurationIssue = { path, segments, code, message, suggestion };
    if (received !== undefined)
      issue.received = secret
        ? maskSecret(received)
        : maskSecrets(received, options.secretPaths, path);
    return issue;
  };

  for (const issue of issues) {
    const local = issue.path.map((segment) =>
      typeof segment === 'symbol' ? String(segment) : segment,
    );
    const segments = [...options.prefix, ...local];
    const input = readConfigValue(options.input, local);
    if (
      (issue.code === 'invalid_type' || issue.code === 'too_small' || issue.code === 'too_big') &&
      !defaultMessage.test(issue.message)
    ) {
      // The schema states the rule in its own words: keep them, say what was found and what to do.
      const missing = input === undefined;
      const message = missing
        ? `Missing required value: ${issue.message}`
        : `${issue.message} Received ${describeReceived(input)}.`;
      const suggestion = missing
        ? `Add ${formatPath(segments)}.`
        : issue.code === 'too_small'
          ? `Use a value that is ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}.`
          : issue.code === 'too_big'
            ? `Use a value that is ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}.`
            : `Use ${expectedWords[issue.expected] ?? issue.expected} here.`;
      result.push(make(segments, 'validation_failed', message, suggestion, input));
      continue;
    }
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = keysAt(options.schema, local, options.input);
        for (const key of issue.keys) {
          const guess = closestMatch(key, known);
          const suggestion = guess
            ? `Did you mean "${guess}"? Rename the key.`
            : known.length > 0
              ? `Remove it; the keys allowed here are: ${known.join(', ')}.`
              : 'Remove it.';
          result.push(
            make(
              [...segments, key],
              'validation_failed',
              `Unknown key "${key}".`,
              suggestion,
              (input as Record<string, unknown> | undefined)?.[key],
            ),
          );
        }
        break;
      }
      case 'invalid_type': {
        const expected = expectedWords[issue.expected] ?? issue.expected;
        if (input === undefined) {
          result.push(
            make(
              segments,
              'validation_failed',
              `Missing required value: expected ${expected}.`,
              `Add ${formatPath(segments)} with ${expected}.`,
              undefined,
            ),
          );
        } else {
          result.push(
            make(
              segments,
              'validation_failed',
              `Expected ${expected}, received ${describeReceived(input)}.`,
              `Use ${expected} here.`,
              input,
            ),
          );
        }
        break;
      }
      case 'too_small': {
        const bound = `${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`;
        const what =
          issue.origin === 'array' || issue.origin === 'set'
            ? 'items'
            : issue.origin === 'string'
              ? 'characters'
              : '';
        const needs =
          issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint'
            ? `must be ${bound}`
            : `needs ${bound} ${what}`.trim();
        result.push(
          make(
            segments,
            'validation_failed',
            `Value ${needs}, received ${describeReceived(input)}.`,
            `Use a value that is ${bound}${what ? ` ${what}` : ''}.`,
            input,
          ),
        );
        break;
      }
      case 'too_big': {
        const bound = `${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}`;
        result.push(
          make(
            segments,
            'validation_failed',
            `Value must be ${bound}, received ${describeReceived(input)}.`,
            `Use a value that is ${bound}.`,
            input,
          ),
        );
        break;
      }
      case 'invalid_value': {
        const allowed = issue.values.map((value) => JSON.stringify(value)).join(', ');
        const guess =
          typeof input === 'string' ? closestMatch(input, issue.values.map(String)) : undefined;
        result.push(
          make(
            segments,
            'validation_failed',
            `Received ${describeReceived(input)}; allowed: ${allowed}.`,
            guess ? `Did you mean "${guess}"?` : `Use one of: ${allowed}.`,
            input,
          ),
        );
        break;
      }
      case 'invalid_union': {
        const discriminator = (issue as { note?: string }).note;
        result.push(
          make(
            segments,
            'validation_failed',
            discriminator ? `${discriminator}.` : 'The value matches none of the allowed shapes.',
            'Check the "type" field and the fields that go with it.',
            input,
          ),
        );
        break;
      }
      case 'invalid_format': {
        result.push(
          make(
            segments,
            'validation_failed',
            `${issue.message}; received ${describeReceived(input)}.`,
            `Use a valid ${issue.format}.`,
            input,
          ),
        );
        break;
      }
      case 'custom': {
        const params = (issue.params ?? {}) as { code?: unknown; suggestion?: unknown };
        const code = isErrorCode(params.code) ? params.code : 'validation_failed';
        const suggestion =
          typeof params.suggestion === 'string'
            ? params.suggestion
            : 'Change the value as the message says.';
        result.push(make(segments, code, issue.message, suggestion, input));
        break;
      }
      case 'invalid_element':
      case 'invalid_key':
      case 'not_multiple_of':
        result.push(
          make(
            segments,
            'validation_failed',
            issue.message,
            'Change the value as the message says.',
            input,
          ),
        );
        break;
    }
  }
  return result;
}
