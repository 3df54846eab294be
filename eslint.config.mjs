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
  },
);
