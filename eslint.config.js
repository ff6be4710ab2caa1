// ESLint over every TypeScript source of the repository (`npm run lint`, part of
// `npm test`): typescript-eslint's recommended rules and React's rules of hooks.
// Type checking itself is `tsc --noEmit`; these rules are the ones a compiler
// does not check (hook dependencies, unused code, unsafe patterns).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', '.data/', 'bench/results/', 'bench/.cache/', '**/*.generated.*', '**/target/'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    rules: {
      // `_name` marks a parameter or binding kept for its position or to leave it out of a rest.
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true,
      }],
      // An interface extending one type names it (e.g. `PreparedFile extends AsyncIterable<…>`).
      // U+3000 (ideographic space) is Chinese typography in UI text.
      'no-irregular-whitespace': ['error', { skipJSXText: true, skipTemplates: true }],
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    // Tests read JSON answers loosely; their expectations state the shapes.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['dashboard/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'module' },
  },
);
