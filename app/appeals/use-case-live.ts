// The open case page, kept current: who else is looking, and whether someone else changed the case
// since it was loaded (a claim, a decision, a customer's reply). Browser-only code; the server side is
// routes/staff.appeals.$id.presence.tsx.
import { useEffect, useRef, useState } from 'react';
import { CASE_POLL_MS, VIEWER_HEARTBEAT_MS, presencePath } from './presence';

type Live = { viewers: string[]; version: number | null };

/**
 * While the page is open: a beat every VIEWER_HEARTBEAT_MS records this member's presence; a poll every
 * CASE_POLL_MS (while the tab is visible) reads who else is looking and the case's version; leaving the
 * page (another page of the app, closing the tab, a reload) removes the presence at once.
 * `loaded` is the loader's list of viewers (a new array with every load of the page); `changed` is true
 * when the case's version moved past `loadedVersion`, the one the page shows.
 */
export function useCaseLive(
  appealId: string,
  loaded: string[],
  loadedVersion: number,
): { viewers: string[]; changed: boolean } {
  const [live, setLive] = useState<{ loaded: string[]; answer: Live } | null>(null);
  const current = useRef(loaded);
  current.current = loaded;
  useEffect(() => {
    const url = presencePath(appealId);
    const post = (intent: string) => {
      const body = new FormData();
      body.set('intent', intent);
      return body;
    };
    const heard = (res: Response) => (res.ok ? (res.json() as Promise<Live>) : null);
    const take = (answer: Live | null) => {
      if (answer?.viewers) setLive({ loaded: current.current, answer });
    };
    const beat = () =>
      fetch(url, { method: 'POST', body: post('beat') })
        .then(heard)
        .then(take)
        .catch(() => {});
    const poll = () =>
      document.visibilityState === 'visible' &&
      void fetch(url)
        .then(heard)
        .then(take)
        .catch(() => {});
    // The member's other tabs on this case (same browser) hear of a leave and report at once (after the
    // leave has reached the server), so closing one of two tabs does not hide the member for a beat.
    const tabs = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`ard-presence:${appealId}`) : null;
    let rejoin: number | undefined;
    if (tabs)
      tabs.onmessage = (event) => {
        if (event.data !== 'left') return;
        window.clearTimeout(rejoin);
        rejoin = window.setTimeout(() => void beat(), 500);
      };
    const leave = () => {
      navigator.sendBeacon(url, post('leave'));
      tabs?.postMessage('left');
    };
    // Back from the browser's back/forward cache: the leave was sent, so say so again at once.
    const back = (event: PageTransitionEvent) => event.persisted && void beat();
    const beats = window.setInterval(beat, VIEWER_HEARTBEAT_MS);
    const polls = window.setInterval(poll, CASE_POLL_MS);
    window.addEventListener('pagehide', leave);
    window.addEventListener('pageshow', back);
    return () => {
      window.clearInterval(beats);
      window.clearInterval(polls);
      window.removeEventListener('pagehide', leave);
      window.removeEventListener('pageshow', back);
      leave();
      window.clearTimeout(rejoin);
      tabs?.close();
    };
  }, [appealId]);
  // A newer load of the page (after an action, a revalidation: new loader data) answers for itself until the next answer.
  const answer = live && live.loaded === loaded ? live.answer : null;
  return { viewers: answer?.viewers ?? loaded, changed: answer?.version != null && answer.version > loadedVersion };
}
