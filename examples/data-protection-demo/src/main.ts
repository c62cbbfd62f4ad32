/** Runs the data-protection demo and prints what happens; see demo.ts. */
import { runDemo } from './demo.js';

await runDemo((line) => console.log(line));
