import { setMaxListeners } from 'node:events';

/**
 * A signal that aborts when any of `sources` does, with `dispose()` to detach it again. Unlike
 * `AbortSignal.any`, nothing stays attached to a long-lived source (the runner's own signal) once
 * the attempt or run that needed the link is over.
 *
 * @internal
 */
export function linkSignals(...sources: AbortSignal[]): {
  controller: AbortController;
  signal: AbortSignal;
  dispose: () => void;
} {
  const controller = new AbortController();
  // Every step attempt of a run, and every branch of a parallel step, links to the run's signal:
  // many listeners on it are expected, not a leak (each is removed by its dispose()).
  setMaxListeners(0, controller.signal);
  const onAbort = (event: Event) => {
    controller.abort((event.target as AbortSignal).reason);
  };
  for (const source of sources) {
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    source.addEventListener('abort', onAbort, { once: true });
  }
  return {
    controller,
    signal: controller.signal,
    dispose: () => {
      for (const source of sources) source.removeEventListener('abort', onAbort);
    },
  };
}
