/**
 * Which recorded environment variables a replay hands to the agent when the caller lacks them. A run's env comes from
 * the store, and the store's runs may come from a trace file a stranger sent: a recorded `OPENAI_BASE_URL` restored
 * on a live resume would send the local user's own API key to a host the file chose. So restoring is an allowlist:
 * - the caller's own value always wins (nothing below replaces it);
 * - locale, time zone, mode flags, model names and `AGENT_*` settings (RESTORABLE) are restored;
 * - endpoint, proxy, TLS and loader variables (ENDPOINT) are never restored when anything can go live; when nothing
 *   can (offline replay, jump, `stop`/`fallback` branches), the recorded addresses (OFFLINE_ENDPOINT) are restored,
 *   because the recorded requests were fingerprinted with them (normalizeUrl keeps the host) and the replay's
 *   requests are answered from the record or refused, never sent;
 * - credentials are never taken from the trace: offline they get a placeholder (clients that insist on a key still
 *   start; requests were fingerprinted without credentials), live they are the caller's or absent;
 * - anything else is dropped.
 * Every drop the user may care about is reported as a notice naming the variables.
 */

/** Variables a replay may take from the recorded run (the recorder's ENV_ALLOW minus endpoints and credentials). */
const RESTORABLE = /^(NODE_ENV|TZ|LANG|LC_ALL|CI|[A-Z0-9_]*_MODEL|AGENT_[A-Z0-9_]*)$/;
/**
 * Where requests go and what they trust: never taken from a trace when anything can go live. Case-insensitive
 * because proxies are honoured in lower case too (`https_proxy`).
 */
const ENDPOINT =
  /(_BASE_URL|_API_BASE|_URL|_URI|_ENDPOINT|_HOST|_PORT|_PROXY|_ORIGIN|_DOMAIN|_REGION|_CA|_CA_CERT|_CERT|_CERTS|_CERT_FILE|_TLS[A-Z0-9_]*|_SSL[A-Z0-9_]*)$|^(HTTPS?_PROXY|ALL_PROXY|NO_PROXY|NODE_OPTIONS|NODE_PATH|NODE_EXTRA_CA_CERTS|NODE_TLS_REJECT_UNAUTHORIZED|NODE_USE_ENV_PROXY|SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|LD_PRELOAD|DYLD_INSERT_LIBRARIES|PATH)$/i;
/**
 * Endpoint variables restored when nothing can go live: where requests were addressed (URLs, hosts, ports — the
 * recorded requests were fingerprinted with them), never what they trust or how they are routed (proxy, TLS, loader).
 */
const OFFLINE_ENDPOINT = /^[A-Z0-9_]*(_BASE_URL|_API_BASE|_ENDPOINT|_URL|_URI|_HOST|_PORT|_ORIGIN|_DOMAIN|_REGION)$/;
/** Credentials (the recorder stores them masked): never the trace's value. */
const CREDENTIAL = /(_KEY|_TOKEN|_SECRET|PASSWORD)$/i;

export const REPLAY_PLACEHOLDER = 'agenttrace-replay-placeholder';

export interface ReplayEnv {
  env: NodeJS.ProcessEnv;
  /** One line per reason, naming the recorded variables that were not handed to the agent (empty: none). */
  notices: string[];
}

/**
 * The agent's environment for a replay of a run recorded with `recorded`: the caller's `baseEnv` plus the recorded
 * variables it lacks that the rules above allow. `canGoLive`: whether any request of this replay may be sent.
 */
export function replayEnv(recorded: Record<string, string>, baseEnv: NodeJS.ProcessEnv, canGoLive: boolean): ReplayEnv {
  const env: NodeJS.ProcessEnv = { ...baseEnv };
  const endpoints: string[] = [];
  const credentials: string[] = [];
  const others: string[] = [];
  for (const [k, v] of Object.entries(recorded)) {
    if (env[k] !== undefined || typeof v !== 'string') continue;
    if (ENDPOINT.test(k)) {
      if (!canGoLive && OFFLINE_ENDPOINT.test(k)) env[k] = v;
      else endpoints.push(k);
    } else if (CREDENTIAL.test(k)) {
      if (!canGoLive) env[k] = REPLAY_PLACEHOLDER;
      // A masked value missing live is the ordinary case (the caller has no key); a clear one in a trace is not.
      else if (!v.includes('***')) credentials.push(k);
    } else if (RESTORABLE.test(k)) {
      env[k] = v;
    } else {
      others.push(k);
    }
  }
  const notices: string[] = [];
  const line = (names: string[], why: string): void => {
    if (names.length) notices.push(`not restored from the trace: ${names.sort().join(', ')} (${why})`);
  };
  line(endpoints, canGoLive ? 'endpoint variables are never taken from a trace; set them in your environment to use them' : 'proxy, TLS and loader variables are never taken from a trace');
  line(credentials, 'credentials are never taken from a trace');
  line(others, 'not on the list of variables a replay restores');
  return { env, notices };
}
