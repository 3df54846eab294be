// ESLint flat config: typescript-eslint's type-checked rules over lib, spec, bench, fuzz and demos; Prettier owns formatting.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', '.build/', 'docs/', 'node_modules/', '.jupyter/', '.demo-out/', '.exp/', 'coverage/', 'demos/web/dist/'] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', 'jest.config.ts', 'bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Numbers, bigints and booleans read naturally in messages ("count 5 exceeds 4"); objects and undefined stay banned.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allow: [{ from: 'lib', name: 'BigInt' }] },
      ],
      // With noUncheckedIndexedAccess, `!` marks an index the code has just bounds-checked (hot decode loops); tsc checks the rest.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `(m) => void n++` and `(x) => subject.next(x)` are the RxJS callback idiom.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidOperator: true }],
      // process.env['X'] is how TypeScript's noPropertyAccessFromIndexSignature style reads environment variables.
      '@typescript-eslint/dot-notation': ['error', { allowIndexSignaturePropertyAccess: true }],
    },
  },
  {
    // Specs: jest's asymmetric matchers (expect.objectContaining…) are typed `any`, and mocks of async APIs need not await.
    files: ['spec/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Plain JavaScript (bin/, config files) runs on Node: its globals are defined.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', AbortController: 'readonly' },
    },
  },
);
