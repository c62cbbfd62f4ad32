/**
 * Runs the provider emulator on a thread of its own, so that the benchmark's client side (the raw
 * SDK or the agent) does not share its thread with the server it calls over loopback.
 */
import { parentPort } from 'node:worker_threads';
import { startEmulator, type EmulatorTurn } from '@agentry/testing';

if (!parentPort) throw new Error('Run this file as a worker thread.');
const port = parentPort;
const emulator = await startEmulator();
port.on('message', (message: { setDefault?: EmulatorTurn; close?: true }) => {
  if (message.close) {
    void emulator.close().then(() => port.close());
    return;
  }
  emulator.setDefault(message.setDefault);
  emulator.reset();
  emulator.setDefault(message.setDefault);
  port.postMessage({ ready: true });
});
port.postMessage({ url: emulator.baseURL('openai-chat') });
