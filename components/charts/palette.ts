/*
 * The charts' colours as values (Recharts and the PNG export need them, not class names): the Okabe–Ito
 * palette of tailwind.config.ts (`cb-*`), which stays distinguishable with the common colour-vision
 * deficiencies. MOV-1 gains in blues and green, losses in orange and vermillion; the net line in black.
 */

export const CB = {
  blue: "#0072B2",
  sky: "#56B4E9",
  green: "#009E73",
  orange: "#E69F00",
  vermillion: "#D55E00",
  black: "#000000",
} as const;

export const MOVEMENT_SERIES = [
  { key: "new", label: "New", hex: CB.blue, sign: 1 },
  { key: "expansion", label: "Expansion", hex: CB.sky, sign: 1 },
  { key: "reactivation", label: "Reactivation", hex: CB.green, sign: 1 },
  { key: "contraction", label: "Contraction", hex: CB.orange, sign: -1 },
  { key: "churn", label: "Churn", hex: CB.vermillion, sign: -1 },
] as const;

export const NET_SERIES = { label: "Net movement", hex: CB.black } as const;
