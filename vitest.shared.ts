import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * The settings every package's tests share: run on source through the `@agentry/source`
 * condition, in Node, with globals off.
 */
export function definePackageTests(name: string, overrides: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    resolve: { conditions: ['@agentry/source'] },
    ssr: { resolve: { conditions: ['@agentry/source'] } },
    test: {
      name,
      environment: 'node',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      restoreMocks: true,
      unstubEnvs: true,
      ...overrides,
    },
  });
}
