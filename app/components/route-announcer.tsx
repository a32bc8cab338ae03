import { useEffect, useRef, useState } from 'react';
import { useLocation } from '@remix-run/react';

/**
 * After a client-side navigation to another page (a link, or a form whose answer is a redirect, as
 * between the steps of the change of the logon email), a screen reader hears nothing and focus is left
 * on an element that is gone. This moves focus to the new page's heading — unless the page put it on one
 * of its own fields already (autofocus) — and announces the page's title once, as a page load would.
 * The first render (a full page load) is left to the browser.
 */
export function RouteAnnouncer() {
  const { pathname } = useLocation();
  const first = useRef(true);
  const [said, setSaid] = useState('');
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const main = document.getElementById('main');
    const heading = main?.querySelector('h1');
    const active = document.activeElement;
    const pageFocusedItsOwn = main && active && active !== main && main.contains(active) && active !== document.body;
    if (heading && !pageFocusedItsOwn) {
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: false });
    }
    // Cleared first, so that the same title twice is still said twice.
    setSaid('');
    const timer = setTimeout(() => setSaid(document.title || heading?.textContent || ''), 50);
    return () => clearTimeout(timer);
  }, [pathname]);
  return (
    <div className="visually-hidden" aria-live="assertive" aria-atomic="true" data-testid="route-announcer">
      {said}
    </div>
  );
}
