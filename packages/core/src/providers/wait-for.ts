import { createAbortedError } from '../resilience/create-aborted-error.js';

/**
 * Resolves like `promise`, or rejects with `aborted` as soon as `signal` aborts, leaving `promise`
 * to run on for whoever else waits on it. The abort listener is removed once either settles.
 *
 * @internal
 */
export function waitFor<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  action: string,
  onAbort?: () => void,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    onAbort?.();
    return Promise.reject(createAbortedError(signal, action));
  }
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort?.();
      reject(createAbortedError(signal, action));
    };
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        // The shared work's failure is passed on unchanged, whatever its type.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(error);
      },
    );
  });
}
