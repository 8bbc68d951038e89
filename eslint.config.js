import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "scratch/", "bench/results/", "engine/test/fixtures/models/", "engine/onnx/generated/"] },
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
    // The model API mirrors PyTorch, whose names are snake_case (state_dict, log_softmax).
    files: ["engine/api/**/*.ts", "assets/examples/**/*.ts"],
    rules: { camelcase: "off" },
  },
);
