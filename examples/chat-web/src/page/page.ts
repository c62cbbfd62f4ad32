/**
 * The chat page's script, bundled for the browser by esbuild when the server starts. It asks the
 * server to start a run, follows the run's channel with `@agentry/realtime/client` and renders
 * the answer token by token, with the transport in use, gaps, and the end of the run.
 *
 * What it applied is kept on `window.chatWeb` so that the example's browser tests can compare
 * it with the log.
 */
import {
  createRealtimeClient,
  type RealtimeChannelEvent,
  type RealtimeClient,
} from '@agentry/realtime/client';
import {
  answerText,
  applyChatEvent,
  applyChatGap,
  emptyChatView,
  type ChatView,
} from './chat-view.js';

/** What the page has done, for people (the page) and for the tests (`window.chatWeb`). */
interface PageState {
  channel: string | undefined;
  /** The last offset applied (or the snapshot's, after a gap): where following resumes. */
  position: string;
  /** Every event applied, in order: offset and data. */
  readonly applied: { offset: string; data: unknown }[];
  /** The transports used, in order of first use. */
  readonly transports: string[];
  view: ChatView;
  /** The channel was closed by the server: nothing more will come. */
  closed: boolean;
  /** The follow loop failed (an error the client could not recover from). */
  failure: string | undefined;
}

declare global {
  interface Window {
    chatWeb: { readonly state: PageState };
  }
}

const state: PageState = {
  channel: undefined,
  position: '-1',
  applied: [],
  transports: [],
  view: emptyChatView,
  closed: false,
  failure: undefined,
};
window.chatWeb = { state };

const element = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`The page has no #${id}.`);
  return found as T;
};
const form = element<HTMLFormElement>('ask');
const input = element<HTMLInputElement>('question');
const send = element<HTMLButtonElement>('send');
const question = element('user-message');
const answer = element('answer');
const status = element('status');
const transport = element('transport');
const notices = element('notices');
const offsets = element('offset');

let client: RealtimeClient | undefined;
/** The page is frozen: its client was closed on purpose, to follow again on resume. */
let sleeping = false;
/** How many of the view's notices are on the page already. */
let noticesShown = 0;

const statusText: Record<ChatView['status'], string> = {
  waiting: 'Waiting for the run to start…',
  running: 'Streaming…',
  finished: 'Finished.',
  failed: 'The run ended with an error.',
};

function notice(kind: 'gap' | 'error' | 'info', text: string): void {
  // A notice repeated (reconnect attempts while the server is down) is counted, not listed again.
  const last = notices.lastElementChild as HTMLElement | null;
  if (last?.dataset.text === text && last.dataset.kind === kind) {
    const count = Number(last.dataset.count ?? '1') + 1;
    last.dataset.count = String(count);
    last.textContent = `${text} (×${count})`;
    return;
  }
  const item = document.createElement('li');
  item.className = `notice notice-${kind}`;
  item.dataset.kind = kind;
  item.dataset.text = text;
  item.textContent = text;
  notices.append(item);
}

function showTransport(): void {
  const now = client?.transport;
  if (now !== undefined && state.transports.at(-1) !== now) state.transports.push(now);
  transport.textContent = now ?? 'reconnecting';
  transport.dataset.transport = now ?? '';
}

function render(): void {
  const { view } = state;
  answer.textContent = answerText(view);
  status.textContent = view.error
    ? `${statusText.failed} ${view.error.code ?? 'error'}: ${view.error.message}`
    : statusText[view.status];
  status.dataset.status = view.status;
  offsets.textContent = `${state.applied.length} events applied, last offset ${state.applied.at(-1)?.offset ?? 'none'}`;
  showTransport();
}

function apply(event: RealtimeChannelEvent): void {
  switch (event.type) {
    case 'event':
      state.position = event.offset;
      state.applied.push({ offset: event.offset, data: event.data });
      state.view = applyChatEvent(state.view, event.data);
      for (const text of state.view.notices.slice(noticesShown)) notice('gap', text);
      noticesShown = state.view.notices.length;
      break;
    case 'gap':
      if (event.snapshot !== undefined) state.position = event.snapshot.offset;
      state.view = applyChatGap(state.view, event);
      notice(
        'gap',
        event.snapshot === undefined
          ? `Gap (${event.reason}): events this page missed are no longer kept, and the server has no snapshot to rebuild from.`
          : `Gap (${event.reason}): events this page missed are no longer kept; the answer was rebuilt from the snapshot at ${event.snapshot.offset}.`,
      );
      break;
    case 'closed':
      state.closed = true;
      break;
  }
  render();
}

async function ticketFor(channel: string): Promise<string> {
  const response = await fetch('/api/ticket', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channel }),
  });
  if (!response.ok) throw new Error(`The server refused a ticket: ${response.status}.`);
  return ((await response.json()) as { ticket: string }).ticket;
}

/** Starts following a new run's channel from its start. */
function start(channel: string): Promise<void> {
  state.channel = channel;
  state.position = '-1';
  state.applied.length = 0;
  state.transports.length = 0;
  state.view = emptyChatView;
  state.closed = false;
  state.failure = undefined;
  noticesShown = 0;
  return follow(channel);
}

/** Follows the channel from `state.position` until it closes, fails, or the page sleeps. */
async function follow(channel: string): Promise<void> {
  const current = createRealtimeClient({
    url: new URL('/realtime', location.href).toString(),
    ticket: () => ticketFor(channel),
    // Reconnect soon after a restart; the default backoff suits a public service better.
    backoff: { initialMs: 100, maxMs: 2_000 },
    logger: { warn: (message) => notice('info', message) },
  });
  client = current;
  const timer = setInterval(showTransport, 200);
  try {
    for await (const event of current.channel(channel, { offset: state.position })) apply(event);
  } catch (error) {
    if (!sleeping) {
      state.failure = error instanceof Error ? error.message : String(error);
      notice('error', `Following the run failed: ${state.failure}`);
    }
  } finally {
    clearInterval(timer);
    current.close();
    if (client === current) client = undefined;
    render();
    if (sleeping) {
      transport.textContent = 'asleep';
    } else {
      transport.textContent = `${state.transports.at(-1) ?? 'none'}, closed`;
      send.disabled = false;
    }
  }
}

// A frozen tab should hold no connection (the Page Lifecycle API's advice): the page lets go of
// its client when Chrome freezes it, and on resume follows again from the last offset it applied.
// Whatever fell out of retention meanwhile comes back as a gap with the run's snapshot.
document.addEventListener('freeze', () => {
  if (client === undefined) return;
  sleeping = true;
  client.close();
});
document.addEventListener('resume', () => {
  if (!sleeping) return;
  sleeping = false;
  if (state.channel !== undefined && !state.closed) void follow(state.channel);
});

form.addEventListener('submit', (submitted) => {
  submitted.preventDefault();
  const message = input.value.trim();
  if (message === '' || client !== undefined) return;
  send.disabled = true;
  question.textContent = message;
  void (async () => {
    const response = await fetch('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message }),
    });
    if (!response.ok) {
      notice(
        'error',
        `The server refused the message: ${response.status} ${await response.text()}`,
      );
      send.disabled = false;
      return;
    }
    const { channel } = (await response.json()) as { channel: string };
    history.replaceState(null, '', `#${encodeURIComponent(channel)}`);
    await start(channel);
  })();
});

// A reloaded page follows the run in its address again, from the start of what the log keeps.
if (location.hash.length > 1) {
  send.disabled = true;
  question.textContent = '(the run in this page’s address)';
  void start(decodeURIComponent(location.hash.slice(1)));
}
render();
