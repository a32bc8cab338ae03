/** The charts' drawing size (the SVG scales to its box: readable from 390 px up). */
export const CHART_W = 420;
export const CHART_H = 220;
