import type { Config } from "tailwindcss";
import colors from "tailwindcss/colors";

/*
 * Tailwind for the app and Tremor 3 (its components ship Tailwind classes, so its files are content, and
 * its `tremor-*` theme tokens are defined here). Chart series use the Okabe–Ito palette (`cb-*`), which
 * stays distinguishable with the common colour-vision deficiencies; Tremor builds those class names at
 * run time (`fill-cb-new`), so they are safelisted.
 */
const PALETTE = {
  "cb-blue": "#0072B2",
  "cb-sky": "#56B4E9",
  "cb-green": "#009E73",
  "cb-orange": "#E69F00",
  "cb-vermillion": "#D55E00",
  "cb-purple": "#CC79A7",
  "cb-black": "#000000",
};

export default {
  // The app has no dark theme: Tremor's `dark:` classes must not follow the OS setting.
  darkMode: "class",
  content: [
    "./app/**/*.{ts,tsx}",
    "./components/**/*.{ts,tsx}",
    "./node_modules/@tremor/**/*.{js,ts,jsx,tsx}",
  ],
  theme: {
    transparent: "transparent",
    current: "currentColor",
    extend: {
      colors: {
        ...PALETTE,
        tremor: {
          brand: {
            faint: colors.indigo[50],
            muted: colors.indigo[200],
            subtle: colors.indigo[400],
            DEFAULT: colors.indigo[500],
            emphasis: colors.indigo[700],
            inverted: colors.white,
          },
          background: {
            muted: colors.slate[50],
            subtle: colors.slate[100],
            DEFAULT: colors.white,
            emphasis: colors.slate[700],
          },
          border: { DEFAULT: colors.slate[200] },
          ring: { DEFAULT: colors.slate[200] },
          content: {
            subtle: colors.slate[400],
            DEFAULT: colors.slate[500],
            emphasis: colors.slate[700],
            strong: colors.slate[900],
            inverted: colors.white,
          },
        },
      },
      boxShadow: {
        "tremor-input": "0 1px 2px 0 rgb(0 0 0 / 0.05)",
        "tremor-card": "0 1px 3px 0 rgb(0 0 0 / 0.1), 0 1px 2px -1px rgb(0 0 0 / 0.1)",
        "tremor-dropdown": "0 4px 6px -1px rgb(0 0 0 / 0.1), 0 2px 4px -2px rgb(0 0 0 / 0.1)",
      },
      borderRadius: {
        "tremor-small": "0.375rem",
        "tremor-default": "0.5rem",
        "tremor-full": "9999px",
      },
      fontSize: {
        "tremor-label": ["0.75rem", { lineHeight: "1rem" }],
        "tremor-default": ["0.875rem", { lineHeight: "1.25rem" }],
        "tremor-title": ["1.125rem", { lineHeight: "1.75rem" }],
        "tremor-metric": ["1.875rem", { lineHeight: "2.25rem" }],
      },
    },
  },
  safelist: [
    {
      pattern: /^(bg|text|fill|stroke|border|ring)-cb-(blue|sky|green|orange|vermillion|purple|black)$/,
    },
  ],
  plugins: [],
} satisfies Config;
