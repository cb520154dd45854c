import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: ['**/dist/**', 'node_modules/**', 'test-results/**', 'bench-results/**', '.concord/**', 'scripts/**/*.js'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      curly: ['error', 'all'],
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      // No tests left focused or skipped.
      'no-restricted-properties': [
        'error',
        { object: 'it', property: 'only' },
        { object: 'it', property: 'skip' },
        { object: 'it', property: 'todo' },
        { object: 'describe', property: 'only' },
        { object: 'describe', property: 'skip' },
        { object: 'test', property: 'only' },
        { object: 'test', property: 'skip' },
      ],
    },
  },
  {
    // The domain is pure: no sockets, no Redis, no media server, no HTTP.
    files: ['server/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'socket.io',
                'socket.io-client',
                'ioredis',
                'mediasoup',
                'express',
                'node:*',
                '../store/*',
                '../signaling/*',
                '../media/*',
                '../http/*',
              ],
              message: 'server/src/domain must stay free of I/O.',
            },
          ],
        },
      ],
    },
  },
  // Arrows point inward: the adapters (http, signaling) and the health monitor call the
  // services; they never import each other, and the services import none of them.
  ...[
    [
      'server/src/services/**/*.ts',
      ['socket.io', 'express', 'mediasoup', '../signaling/*', '../http/*', '../health/*', '../media/*'],
    ],
    ['server/src/http/**/*.ts', ['socket.io', '../signaling/*', '../health/*', '../media/*']],
    ['server/src/signaling/**/*.ts', ['express', '../http/*', '../health/*']],
    ['server/src/health/**/*.ts', ['socket.io', 'express', '../signaling/*', '../http/*']],
  ].map(([glob, group]) => ({
    files: [glob],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group, message: 'http, signaling and health talk to each other only through the services.' }] },
      ],
    },
  })),
  {
    files: ['client/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: ['tests/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    files: ['eslint.config.js', 'vitest.config.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
);
