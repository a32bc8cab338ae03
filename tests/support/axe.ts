import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/**
 * The WCAG 2.0, 2.1 and 2.2 A/AA rules (and axe's best practices, which the scans ran before). Every
 * axe scan in the suite goes through `axeScan`, so none runs without the WCAG 2.2 rules (target-size…).
 */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] as const;

export function axeScan(page: Page) {
  return new AxeBuilder({ page }).withTags([...WCAG_TAGS]).analyze();
}
