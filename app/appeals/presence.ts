// The case page's "also looking at this case" hint: how fresh a member's presence must be, and how
// often an open page says it is still there. Shared by the server and the page (no server code here).

/** A member counts as looking at a case this long after their last recorded presence. */
export const VIEWER_FRESH_MS = 75_000;
/** A member's presence on a case is written at most this often (a reload in between only reads). */
export const VIEWER_TOUCH_MS = 30_000;
/**
 * How often an open case page reports that it is still open. Just over VIEWER_TOUCH_MS, so each beat
 * writes; VIEWER_FRESH_MS covers two beats and the once-a-minute timers of a background tab.
 */
export const VIEWER_HEARTBEAT_MS = VIEWER_TOUCH_MS + 1_000;

/**
 * How often an open case page asks whether the case changed (a claim, a decision, a customer's reply
 * by someone else) and who else is looking: a read of one small statement, no write.
 */
export const CASE_POLL_MS = 5_000;

/** Where the case page reports its presence (`intent` beat or leave) and polls (GET). */
export const presencePath = (appealId: string) => `/staff/appeals/${appealId}/presence`;
