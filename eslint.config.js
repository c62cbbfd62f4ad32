// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Package boundaries: a plug-in reaches other Agentry packages only through their public entry
 * points, exactly as a third party would.
 */
const boundaryRules = {
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: [
            '@agentry/*/src/*',
            '@agentry/*/dist/*',
            '@agentry/*/*',
            '!@agentry/*/package.json',
            // Public subpath entries, listed in the packages' exports maps.
            '!@agentry/testing/vitest',
            '!@agentry/monitoring/otel',
            '!@agentry/core/browser',
            '!@agentry/realtime/server',
            '!@agentry/realtime/client',
          ],
          message: 'Import Agentry packages only through their public entry point.',
        },
        {
          group: ['../../*/src/*', '../../../packages/*', '../../../../packages/*'],
          message: 'Do not reach into another package: depend on it and import its public entry.',
        },
      ],
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'docs/api/**',
      '**/.turbo/**',
      '**/coverage/**',
      '**/.doc-examples/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', '*.ts', '*.mjs'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      ...boundaryRules,
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/consistent-type-exports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/only-throw-error': 'error',
      'no-console': 'error',
    },
  },
  {
    // Tests, examples, benchmarks and scripts talk to a terminal and may use loose values.
    files: [
      '**/*.test.ts',
      '**/*.test-d.ts',
      'tests/**',
      'examples/**',
      'bench/**',
      'scripts/**',
      '**/*.config.ts',
      '**/test/**',
      '**/__fixtures__/**',
    ],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  prettier,
);
