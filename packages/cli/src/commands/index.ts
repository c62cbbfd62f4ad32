import type { CommandSpec } from '../command.js';
import { auditVerifyCommand } from './audit-verify.js';
import { doctorCommand } from './doctor.js';
import { emulatorCommand } from './emulator.js';
import { initCommand } from './init.js';
import { migrateCommand } from './migrate.js';
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
  initCommand,
  validateCommand,
  migrateCommand,
  emulatorCommand,
  runsListCommand,
  runsShowCommand,
  runsResumeCommand,
  runsApproveCommand,
  runsRejectCommand,
  runsCancelCommand,
  auditVerifyCommand,
  doctorCommand,
];
