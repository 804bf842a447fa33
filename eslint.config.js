import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules/', '.next/', 'lib/generated/', 'data/', 'models/', '.venv/', 'next-env.d.ts', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', fetch: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly', FormData: 'readonly', Blob: 'readonly', File: 'readonly', ReadableStream: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', structuredClone: 'readonly', performance: 'readonly', queueMicrotask: 'readonly', crypto: 'readonly', document: 'readonly', window: 'readonly', navigator: 'readonly', XMLHttpRequest: 'readonly', localStorage: 'readonly', HTMLElement: 'readonly', HTMLInputElement: 'readonly', Event: 'readonly', DragEvent: 'readonly', EventSource: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The boundaries of docs/architecture.md, enforced here so they stay true.
  {
    // next/* (and the Next server) only in app/ and lib/web/.
    files: ['lib/**/*.ts', 'scoring/**/*.ts', 'bin/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['lib/web/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^next(/|$)', message: 'next/* belongs in app/ and lib/web/ only' }] }],
    },
  },
  {
    // Domain folders take domain values: they never reach into the web adapter layer.
    files: ['lib/**/*.ts'],
    ignores: ['lib/web/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^next(/|$)', message: 'next/* belongs in app/ and lib/web/ only' },
            { regex: '(^|/)web/', message: 'lib/ domain folders must not import lib/web (the web adapter imports them)' },
          ],
        },
      ],
      'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }],
    },
  },
  { files: ['lib/web/**/*.ts'], rules: { 'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }] } },
  {
    // Pages and routes read through services and views, never the database client (types are fine).
    files: ['app/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: '@/lib/platform/db', message: 'read through a service or a view (lib/views), not the database client', allowTypeImports: true }] }],
    },
  },
  {
    // The scoring core is pure: nothing of the platform, the app or the CLI.
    files: ['scoring/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^next(/|$)', message: 'scoring/ is the pure core' },
            { regex: '(^|/)(lib|app|bin)/', message: 'scoring/ imports nothing from lib/, app/ or bin/' },
            { regex: '^@/', message: 'scoring/ imports nothing from lib/, app/ or bin/' },
          ],
        },
      ],
    },
  },
)
