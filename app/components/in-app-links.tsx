import { useCallback, type MouseEvent } from 'react';
import { useNavigate } from '@remix-run/react';

/**
 * A click handler for an element holding plain `<a href>` links to the portal's own pages, such as
 * the rows of the appeal queue: a click navigates inside the app, as a `<Link>` would, and the
 * server does not render a `<Link>` per row (each resolves its path through the router's hooks).
 * Clicks with a modifier key or another button, links with a target or a download, and links to
 * other origins stay the browser's. Enter on a focused link is a click, so the keyboard works alike.
 */
export function useInAppLinks() {
  const navigate = useNavigate();
  return useCallback(
    (event: MouseEvent<HTMLElement>) => {
      if (
        event.defaultPrevented ||
        event.button !== 0 ||
        event.metaKey ||
        event.altKey ||
        event.ctrlKey ||
        event.shiftKey
      )
        return;
      const link = (event.target as Element | null)?.closest?.('a[href]');
      if (!(link instanceof HTMLAnchorElement) || !event.currentTarget.contains(link)) return;
      if (
        (link.target && link.target !== '_self') ||
        link.hasAttribute('download') ||
        link.origin !== window.location.origin
      )
        return;
      event.preventDefault();
      navigate(link.pathname + link.search + link.hash);
    },
    [navigate],
  );
}
