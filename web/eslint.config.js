// Lint for the dashboard (npm run lint). Prettier owns the layout, so only rules about
// meaning are on: JS and TypeScript recommended, Vue recommended (vue-eslint-parser, with the
// TypeScript parser for <script lang="ts">), and no bare text in templates: every word a user
// reads goes through i18n (unused keys are found by src/i18n/i18n.test.ts).
import js from '@eslint/js'
import prettier from 'eslint-config-prettier/flat'
import { defineConfig } from 'eslint/config'
import pluginVue from 'eslint-plugin-vue'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default defineConfig(
  {
    // schema.ts is generated from openapi.json (npm run gen:api); e2e has its own packages.
    ignores: ['dist/', 'node_modules/', 'e2e/node_modules/', 'e2e/artifacts/', 'src/api/schema.ts'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  { files: ['src/**'], languageOptions: { globals: globals.browser } },
  // The e2e tests run in Node and hand callbacks to the page (page.evaluate), hence both.
  { files: ['scripts/**', 'e2e/**', '*.config.*'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  {
    files: ['**/*.vue'],
    rules: {
      // Text without letters (×, ☰, "/ 100", 10.0.0.0/24) and protocol names that read the
      // same in every language need no translation.
      'vue/no-bare-strings-in-template': ['error', { allowlist: ['/[^\\p{L}]+/gu', 'TLS', 'OID'] }],
    },
  },
  prettier,
)
