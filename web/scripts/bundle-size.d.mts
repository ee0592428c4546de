// Types for scripts/bundle-size.mjs (used by scripts/bundle-size.test.ts).
export const INITIAL_JS_BUDGET: number
export function initialFiles(html: string): { js: string[]; css: string[] }
