import type { Browser, BrowserContext, Page } from 'playwright-core';

/** What the page keeps on `window.chatWeb.state` (see src/page/page.ts). */
export interface PageState {
  readonly channel: string | undefined;
  readonly position: string;
  readonly applied: readonly { readonly offset: string; readonly data: unknown }[];
  readonly transports: readonly string[];
  readonly view: {
    readonly status: 'waiting' | 'running' | 'finished' | 'failed';
    readonly error: { readonly message: string; readonly code: string | undefined } | undefined;
    readonly gaps: readonly {
      readonly reason: string;
      readonly snapshotOffset: string | undefined;
    }[];
  };
  readonly closed: boolean;
  readonly failure: string | undefined;
}

/** The chat page in a fresh browser context. */
export interface ChatPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Types the question and sends it; resolves with the run's channel. */
  ask(question: string): Promise<string>;
  /** The page's state now. */
  state(): Promise<PageState>;
  /** Waits until at least `count` events have been applied. */
  applied(count: number): Promise<void>;
  /** Waits until the server closed the channel (the run ended), then returns the state. */
  ended(): Promise<PageState>;
  /** The answer as the page shows it. */
  answer(): Promise<string>;
  /** The transport the page shows. */
  transport(): Promise<string>;
  /** The notices the page shows, by kind (`gap`, `error`, `info`). */
  notices(kind: 'gap' | 'error' | 'info'): Promise<string[]>;
  /** The status line the page shows. */
  status(): Promise<string>;
}

type StateWindow = { chatWeb: { state: PageState } };

/**
 * Opens the chat page. `prepare` runs first, on the new page (init scripts, routes), so a test
 * can block a transport before the page's script starts.
 */
export async function openChatPage(
  browser: Browser,
  url: string,
  prepare?: (page: Page) => Promise<void>,
): Promise<ChatPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await prepare?.(page);
  await page.goto(url);
  const state = () => page.evaluate(() => (globalThis as unknown as StateWindow).chatWeb.state);
  return {
    page,
    context,
    async ask(question) {
      await page.fill('#question', question);
      await page.click('#send');
      await page.waitForFunction(
        () => (globalThis as unknown as StateWindow).chatWeb.state.channel !== undefined,
      );
      return (await state()).channel!;
    },
    state,
    async applied(count) {
      await page.waitForFunction(
        (expected) =>
          (globalThis as unknown as StateWindow).chatWeb.state.applied.length >= expected,
        count,
        { timeout: 30_000 },
      );
    },
    async ended() {
      await page.waitForFunction(
        () => {
          const { closed, failure } = (globalThis as unknown as StateWindow).chatWeb.state;
          return closed || failure !== undefined;
        },
        undefined,
        { timeout: 45_000 },
      );
      return state();
    },
    answer: () => page.locator('#answer').innerText(),
    transport: () => page.locator('#transport').innerText(),
    notices: (kind) => page.locator(`#notices .notice-${kind}`).allInnerTexts(),
    status: () => page.locator('#status').innerText(),
  };
}
