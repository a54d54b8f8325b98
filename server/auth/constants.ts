/** How long a session lasts after sign-in: a month, then the passkey again. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** A session's last-seen time is written at most this often, not on every request. */
export const SESSION_TOUCH_MS = 60 * 60 * 1000;
/** How long a passkey ceremony may take between options and answer (a person reading the prompt). */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;
/** Challenges held at once: beyond this the oldest go (a flood of option requests cannot grow memory). */
export const MAX_CHALLENGES = 10_000;
/** The session cookie's name; `__Host-` on https so no subdomain can set or widen it. */
export const SESSION_COOKIE = "luxos_session";
export const SECURE_SESSION_COOKIE = "__Host-luxos_session";

/** Sign-in and registration per IP: a person retrying is fine, a password-spraying script is not. */
export const SIGN_IN_BURST = 20;
export const SIGN_IN_PER_SECOND = 0.5;
/** tRPC requests (a batch counts once) per IP and per person: a busy page stays well under, a scraping loop does not. */
export const API_BURST = 600;
export const API_PER_SECOND = 100;
/** Room socket connects per IP and per person: reconnect storms are absorbed, connect floods are not. */
export const SOCKET_BURST = 30;
export const SOCKET_PER_SECOND = 2;
/** Keys (IPs, people) a limiter tracks at once before it forgets the idlest. */
export const MAX_LIMITER_KEYS = 50_000;
/** Beings of a task's ledger checked when someone other than its owner reads a task's budget: enough for any real task's workers. */
export const BUDGET_READER_BEINGS = 200;
