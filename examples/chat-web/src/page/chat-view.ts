/**
 * What the page shows of one run, rebuilt from the AG-UI events of its channel: the messages,
 * whether the run is going, finished or failed, and the gaps met on the way. Pure: the page and
 * the tests feed it the same events.
 *
 * The view is owned by whoever calls {@link applyChatEvent} and {@link applyChatGap}; both
 * return a new view and never change the one they are given.
 */

/** One message of the run, as streamed so far. */
export interface ChatMessage {
  readonly id: string;
  readonly role: string;
  readonly text: string;
}

/** A gap the page met: the history it asked for was gone, and what it rebuilt from. */
export interface ChatGap {
  /** `retention`: the events fell out of the server's retention; `epoch`: the history was reset. */
  readonly reason: string;
  /** The offset of the snapshot the view was rebuilt from; undefined when there was none. */
  readonly snapshotOffset: string | undefined;
}

/** The view of one run. */
export interface ChatView {
  /** `waiting` until `RUN_STARTED`; `failed` after `RUN_ERROR`. */
  readonly status: 'waiting' | 'running' | 'finished' | 'failed';
  readonly messages: readonly ChatMessage[];
  /** The `RUN_ERROR`'s message and code. */
  readonly error: { readonly message: string; readonly code: string | undefined } | undefined;
  readonly gaps: readonly ChatGap[];
  /** Notices the server wrote into the channel (`agentry.gap`: events it could not keep). */
  readonly notices: readonly string[];
}

/** The view before any event. */
export const emptyChatView: ChatView = {
  status: 'waiting',
  messages: [],
  error: undefined,
  gaps: [],
  notices: [],
};

/** The assistant's text: every assistant message of the run, in order. */
export function answerText(view: ChatView): string {
  return view.messages
    .filter((message) => message.role === 'assistant')
    .map((message) => message.text)
    .join('\n\n');
}

type Fields = Readonly<Record<string, unknown>>;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** Applies one event of the channel (an AG-UI event); unknown events leave the view as it is. */
export function applyChatEvent(view: ChatView, data: unknown): ChatView {
  if (typeof data !== 'object' || data === null) return view;
  const event = data as Fields;
  switch (event.type) {
    case 'RUN_STARTED':
      return view.status === 'waiting' ? { ...view, status: 'running' } : view;
    case 'RUN_FINISHED':
      return { ...view, status: 'finished' };
    case 'RUN_ERROR':
      return {
        ...view,
        status: 'failed',
        error: { message: text(event.message) ?? 'The run failed.', code: text(event.code) },
      };
    case 'TEXT_MESSAGE_START': {
      const id = text(event.messageId);
      if (id === undefined || view.messages.some((message) => message.id === id)) return view;
      const role = text(event.role) ?? 'assistant';
      return { ...view, messages: [...view.messages, { id, role, text: '' }] };
    }
    case 'TEXT_MESSAGE_CONTENT': {
      const id = text(event.messageId);
      const delta = text(event.delta);
      if (id === undefined || delta === undefined) return view;
      const known = view.messages.some((message) => message.id === id);
      const messages = known
        ? view.messages.map((message) =>
            message.id === id ? { ...message, text: message.text + delta } : message,
          )
        : [...view.messages, { id, role: 'assistant', text: delta }];
      return { ...view, messages };
    }
    case 'MESSAGES_SNAPSHOT': {
      if (!Array.isArray(event.messages)) return view;
      const messages: ChatMessage[] = [];
      for (const item of event.messages as unknown[]) {
        if (typeof item !== 'object' || item === null) continue;
        const message = item as Fields;
        const id = text(message.id);
        if (id === undefined) continue;
        messages.push({
          id,
          role: text(message.role) ?? 'assistant',
          text: text(message.content) ?? '',
        });
      }
      return { ...view, messages };
    }
    case 'CUSTOM': {
      if (event.name === 'agentry.model-error') {
        // A failed model attempt: what it streamed is not part of the answer (it is retried).
        const value = (event.value ?? {}) as Fields;
        const discarded = Array.isArray(value.discardedMessageIds)
          ? (value.discardedMessageIds as unknown[])
          : [];
        const messages = view.messages.filter((message) => !discarded.includes(message.id));
        return { ...view, messages };
      }
      if (event.name !== 'agentry.gap') return view;
      const value = (event.value ?? {}) as Fields;
      const notice = text(value.message) ?? 'Some events of this run could not be kept.';
      return { ...view, notices: [...view.notices, notice] };
    }
    default:
      return view;
  }
}

/**
 * Applies a gap: the events the page missed are gone, so the view is rebuilt from the snapshot
 * (the AG-UI events that rebuild the run up to the snapshot's offset), and the gap is recorded so
 * the page can say so. Without a snapshot the view keeps what it had, and the gap still shows.
 */
export function applyChatGap(
  view: ChatView,
  gap: {
    readonly reason: string;
    readonly snapshot?: { readonly offset: string; readonly data: unknown };
  },
): ChatView {
  const recorded: ChatGap = { reason: gap.reason, snapshotOffset: gap.snapshot?.offset };
  if (gap.snapshot === undefined) return { ...view, gaps: [...view.gaps, recorded] };
  let rebuilt: ChatView = {
    ...emptyChatView,
    status: view.status,
    gaps: [...view.gaps, recorded],
    notices: view.notices,
  };
  for (const event of snapshotEvents(gap.snapshot.data)) rebuilt = applyChatEvent(rebuilt, event);
  return rebuilt;
}

/** A snapshot's events: an array of AG-UI events, possibly still as JSON text. */
function snapshotEvents(data: unknown): readonly unknown[] {
  let value = data;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return [];
    }
  }
  if (Array.isArray(value)) return value as unknown[];
  return value === null || value === undefined ? [] : [value];
}
