import { relative } from 'node:path';
import { AgentryError, validateConfiguration, type ConfigurationIssue } from '@agentry/core';
import { exitCodes } from '../cli-io.js';
import type { CommandSpec } from '../command.js';
import { findConfigurationFile, loadProjectConfiguration } from '../load-project-configuration.js';

/** `agentry validate [file]`. @internal */
export const validateCommand: CommandSpec = {
  name: 'validate',
  summary: 'Validate a configuration with the installed plug-ins.',
  usage: 'agentry validate [file] [--json]',
  description: [
    'Loads the configuration (JSON, JavaScript or TypeScript; by default the first of',
    'agentry.config.{ts,mts,js,mjs,json} in the current directory) and validates it as',
    'createAgentry does, listing every problem with its path, the value found and what to do.',
    'Plug-ins: a .js/.ts configuration may export them as `plugins`; otherwise every installed',
    'plug-in package of the project is used (the @agentry/* packages, and dependencies whose',
    'package.json names a factory under "agentry": { "plugin": "<export>" }).',
    'Secret references ${env:NAME} are read from the environment, and so is the key of an api_key',
    "provider entry that gives none: its type's variable (OPENAI_API_KEY for openai, or the one",
    'its plug-in declares), named in the problem when it is not set. A key is never printed.',
  ].join('\n'),
  options: {},
  positionals: { min: 0, max: 1 },
  examples: [
    'agentry validate',
    'agentry validate config/agentry.config.ts',
    'agentry validate agentry.config.json --json | jq .issues',
  ],
  async run({ positionals, io, output }) {
    const file = findConfigurationFile(io.cwd, positionals[0]);
    const shown = relative(io.cwd, file) || file;
    const progress = output.progress(`Loading ${shown} and its plug-ins`);
    let project;
    try {
      project = await loadProjectConfiguration(file);
      progress.update(`Validating ${shown}`);
    } catch (error) {
      progress.end();
      throw error;
    }
    const plugins = project.plugins.map((plugin) => ({
      name: plugin.name,
      version: plugin.version,
    }));
    const skipped = project.found.flatMap((entry) =>
      entry.problem === undefined ? [] : [{ package: entry.packageName, problem: entry.problem }],
    );
    let issues: ConfigurationIssue[] = [];
    try {
      await validateConfiguration(project.document, { plugins: project.plugins, env: io.env });
    } catch (error) {
      if (!AgentryError.isInstance(error)) throw error;
      issues = issuesOf(error);
    } finally {
      progress.end();
    }
    for (const entry of skipped) output.note(`warning: ${entry.problem}`);
    output.result({
      ok: issues.length === 0,
      file,
      pluginSource: project.pluginSource,
      plugins,
      skippedPlugins: skipped,
      issues,
    });
    const pluginList = plugins.map((plugin) => `${plugin.name} ${plugin.version}`).join(', ');
    output.line(
      `Plug-ins (${project.pluginSource === 'module' ? 'from the plugins export' : 'installed'}): ${pluginList || 'none'}`,
    );
    if (issues.length === 0) {
      output.line(`✓ ${shown} is valid.`);
      return exitCodes.ok;
    }
    output.line(`✗ ${shown} has ${issues.length} problem${issues.length === 1 ? '' : 's'}:`);
    for (const issue of issues) {
      output.line(`  ${issue.path}: ${issue.message} [${issue.code}]`);
      if (issue.received !== undefined)
        output.line(`      received: ${shorten(JSON.stringify(issue.received))}`);
      output.line(`      fix: ${issue.suggestion}`);
    }
    return exitCodes.problems;
  },
};

/**
 * The problems an error from `validateConfiguration` reports: the issues of `config_invalid`, or
 * the error itself (a plug-in conflict, a format too new) as one issue at the root.
 */
function issuesOf(error: AgentryError): ConfigurationIssue[] {
  const listed = error.details['issues'];
  if (error.code === 'config_invalid' && Array.isArray(listed))
    return listed as ConfigurationIssue[];
  return [
    {
      path: '(root)',
      segments: [],
      code: error.code,
      message: error.message,
      suggestion: error.suggestions.join(' ') || 'See the message.',
    },
  ];
}

function shorten(text: string): string {
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}
