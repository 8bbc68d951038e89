import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";
import pluginVue from "eslint-plugin-vue";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "**/dist/", "renderer/.dist-*/", "e2e/screenshots/", "scratch/", "bench/results/", "engine/test/fixtures/models/", "engine/onnx/generated/"] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // The serve page runs in a browser (engine/serve/page/tsconfig.json gives it DOM types).
    files: ["engine/serve/page/**/*.ts"],
    languageOptions: { globals: { ...globals.browser } },
  },
  // The window (renderer/): Vue single-file components in TypeScript, in a browser.
  ...pluginVue.configs["flat/recommended"],
  {
    files: ["renderer/**/*.vue"],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: [".vue"], sourceType: "module" } },
  },
  {
    files: ["renderer/src/**/*.{ts,vue}", "renderer/test/**/*.ts"],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // Formatting is the code's own (one style across the repository), not the plugin's.
      "vue/max-attributes-per-line": "off",
      "vue/singleline-html-element-content-newline": "off",
      "vue/multiline-html-element-content-newline": "off",
      "vue/html-self-closing": ["error", { html: { void: "always", normal: "always", component: "always" } }],
      "vue/html-indent": "off",
      "vue/html-closing-bracket-newline": "off",
      "vue/first-attribute-linebreak": "off",
    },
  },
  {
    // The renderer never reaches into Node or the engine: only shared/ (the contract) and browser libraries.
    files: ["renderer/src/**/*.{ts,vue}"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["node:*", "**/engine/**", "electron"], message: "the window talks to the engine only through shared/client.ts" }] },
      ],
    },
  },
  {
    // The model API mirrors PyTorch, whose names are snake_case (state_dict, log_softmax).
    files: ["engine/api/**/*.ts", "assets/examples/**/*.ts"],
    rules: { camelcase: "off" },
  },
);
