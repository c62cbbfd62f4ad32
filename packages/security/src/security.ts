import { definePlugin, type AgentryPlugin } from '@agentry/core';
import { securityControls } from './compliance/index.js';
import { securityConfigSchema, type SecurityConfig } from './config/index.js';
import { VERSION } from './version.js';

/**
 * Creates the security plug-in. Installing it lets the configuration hold a `security` section
 * (validated by {@link securityConfigSchema}) and contributes the checks of the SOC 2 and GDPR
 * baseline controls that read that section ({@link securityControls}). Encryption, access control,
 * rate limiting, masking and the audit log themselves arrive in later releases.
 *
 * The section is optional. Without it, `agentry.config.security` is `undefined`, and when another
 * plug-in switches SOC 2 or GDPR on, every control reading the section fails as "not set": nothing
 * is claimed for settings that were never written.
 *
 * @example
 * ```ts
 * import { createAgentry, loadConfiguration } from '@agentry/core';
 * import { security } from '@agentry/security';
 *
 * // agentry.config.json holds the core sections and a "security" section.
 * const agentry = await createAgentry({
 *   config: await loadConfiguration('agentry.config.json'),
 *   plugins: [security()],
 * });
 * agentry.config.security?.encryption.atRest; // typed: boolean | undefined
 * ```
 */
export function security(): AgentryPlugin<SecurityConfig> {
  return definePlugin({
    name: '@agentry/security',
    version: VERSION,
    // Released together with core (one fixed version group), so it needs core's same minor.
    requires: { '@agentry/core': `^${VERSION}` },
    // Optional: without the section the plug-in switches no framework on and claims nothing.
    config: { key: 'security', schema: securityConfigSchema, required: false },
    compliance: { controls: securityControls },
  });
}

declare module '@agentry/core' {
  interface PluginSections {
    /** The `security` section, validated by `@agentry/security`. */
    security: SecurityConfig;
  }
}
