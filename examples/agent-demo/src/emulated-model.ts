import type { EmulatorReply, EmulatorRequest, EmulatorTurn } from '@agentry/testing';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function parse(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Anthropic sends a tool result as a string or as text blocks. */
function anthropicResult(content: unknown): unknown {
  if (!Array.isArray(content)) return parse(content);
  return parse(
    content
      .filter(isRecord)
      .map((block) => (typeof block['text'] === 'string' ? block['text'] : ''))
      .join(''),
  );
}

/**
 * The tool results a request sends back, whatever the vendor's wire format: what a model reads
 * to write its answer.
 */
export function toolResultsOf(request: EmulatorRequest): unknown[] {
  const body = isRecord(request.body) ? request.body : {};
  switch (request.api) {
    case 'openai-chat':
      return list(body['messages'])
        .filter((message) => isRecord(message) && message['role'] === 'tool')
        .map((message) => parse((message as Json)['content']));
    case 'openai-responses':
      return list(body['input'])
        .filter((item) => isRecord(item) && item['type'] === 'function_call_output')
        .map((item) => parse((item as Json)['output']));
    case 'anthropic':
      return list(body['messages'])
        .flatMap((message) => (isRecord(message) ? list(message['content']) : []))
        .filter((block) => isRecord(block) && block['type'] === 'tool_result')
        .map((block) => anthropicResult((block as Json)['content']));
    case 'google':
      return list(body['contents'])
        .flatMap((content) => (isRecord(content) ? list(content['parts']) : []))
        .filter((part) => isRecord(part) && isRecord(part['functionResponse']))
        .map((part) => {
          const response = ((part as Json)['functionResponse'] as Json)['response'];
          return isRecord(response) && 'output' in response ? parse(response['output']) : response;
        });
  }
}

/** The city the user asked about, taken from the last words of the request's text. */
function askedCity(request: EmulatorRequest): string {
  const text = JSON.stringify(request.body);
  for (const city of ['Lisbon', 'Tokyo', 'New York']) if (text.includes(city)) return city;
  return 'Lisbon';
}

/**
 * A scripted stand-in for a model, for the emulator: asked a question, it calls both tools at once
 * (their arguments streamed in pieces); given their results, it streams an answer built from them.
 */
export const emulatedModel: EmulatorTurn = (request): EmulatorReply => {
  const results = toolResultsOf(request);
  if (results.length === 0) {
    const city = askedCity(request);
    const args = JSON.stringify({ city });
    return {
      toolCalls: [
        { name: 'get_weather', arguments: args },
        { name: 'get_local_time', arguments: args },
      ],
      argumentChunks: 3,
      chunkDelayMs: 10,
    };
  }
  const facts = Object.assign({}, ...results.filter(isRecord)) as Json;
  const show = (value: unknown) =>
    typeof value === 'string' || typeof value === 'number' ? String(value) : '?';
  const text =
    `In ${show(facts['city'])} it is ${show(facts['celsius'])} °C and ${show(facts['sky'])}, ` +
    `and the local time is ${show(facts['localTime'])}. A good moment for a walk by the river.`;
  return { text, chunkDelayMs: 20 };
};
