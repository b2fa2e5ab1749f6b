/**
 * The desktop window's Content-Security-Policy. The renderer's index.html carries a meta CSP too (it also serves
 * browser mode, which needs the local WebSocket); Electron adds this stricter one as a response header, so a file://
 * load is covered even if the meta tag were removed. Everything is same-origin: no remote script, frame or object,
 * and IPC needs no network at all.
 */
export const DESKTOP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // React and @xyflow/react set inline style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Response headers with the CSP set (replacing any CSP header the response had). */
export function withCsp(headers: Record<string, string[] | string> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() !== 'content-security-policy') out[k] = Array.isArray(v) ? v : [v];
  out['Content-Security-Policy'] = [DESKTOP_CSP];
  return out;
}

/** Navigation the window allows: none away from the loaded app (a dropped link or file never replaces the UI). */
export function isAllowedNavigation(target: string, appUrl: string): boolean {
  try {
    const t = new URL(target);
    const a = new URL(appUrl);
    return t.protocol === a.protocol && t.host === a.host && t.pathname === a.pathname;
  } catch {
    return false;
  }
}
