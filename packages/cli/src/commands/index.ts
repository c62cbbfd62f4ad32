import type { CommandSpec } from '../command.js';
import { emulatorCommand } from './emulator.js';
import {
  runsApproveCommand,
  runsCancelCommand,
  runsRejectCommand,
  runsResumeCommand,
} from './runs-control.js';
import { runsListCommand, runsShowCommand } from './runs-inspect.js';
import { validateCommand } from './validate.js';

/** Every subcommand, in the order `agentry --help` lists them. @internal */
export const commands: readonly CommandSpec[] = [
  validateCommand,
  emulatorCommand,
  runsListCommand,
  runsShowCommand,
  runsResumeCommand,
  runsApproveCommand,
  runsRejectCommand,
  runsCancelCommand,
];
