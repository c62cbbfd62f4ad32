import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** What the example's server process is started with. */
export interface ServerProcessOptions {
  readonly databasePath: string;
  /** The emulator's OpenAI Responses base URL (the emulator lives in the test process). */
  readonly modelUrl: string;
  /** 0 (default) for a free port; a restart passes the port of the first start. */
  readonly port?: number;
  readonly bufferSize?: number;
  readonly snapshotEvery?: number;
}

/** The example's server, running in a child process. */
export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  /** Everything the process wrote, for a failure's message. */
  output(): string;
  /** SIGKILL: the process dies at once, with nothing flushed or closed. */
  kill(): Promise<void>;
  /** SIGTERM: the process shuts down in order. */
  stop(): Promise<void>;
}

/**
 * Starts `src/main.ts` in a child process (on the workspace's sources, as the tests run), and
 * resolves once it prints the address it listens on.
 */
export function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const args = [
    '--conditions=@agentry/source',
    '--import',
    'tsx',
    main,
    '--port',
    String(options.port ?? 0),
    '--database',
    options.databasePath,
    '--model-url',
    options.modelUrl,
    ...(options.bufferSize === undefined ? [] : ['--buffer-size', String(options.bufferSize)]),
    ...(options.snapshotEvery === undefined
      ? []
      : ['--snapshot-every', String(options.snapshotEvery)]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, OPENAI_API_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`The chat server exited (${String(code)}) before listening:\n${output}`));
    child.once('exit', onExit);
    const onData = () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match === null) return;
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      const url = match[1]!;
      resolve({
        url,
        port: Number(new URL(url).port),
        output: () => output,
        kill: () => signal(child, 'SIGKILL', exited),
        stop: () => signal(child, 'SIGTERM', exited),
      });
    };
    child.stdout.on('data', onData);
  });
}

async function signal(child: ChildProcess, name: NodeJS.Signals, exited: Promise<void>) {
  if (child.exitCode === null && child.signalCode === null) child.kill(name);
  await exited;
}
