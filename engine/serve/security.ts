import { randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh token for a URL, as Jupyter prints one: 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Compares in constant time, so a wrong token's prefix cannot be found by timing. */
export function sameToken(given: string | null | undefined, token: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The cookie that carries the token after the first page load; per port, since cookies ignore ports. */
export const cookieName = (port: number): string => `tandem-token-${port}`;

export function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return null;
}

/**
 * The Content-Security-Policy of every page Tandem serves (the browser page and the Electron
 * window): scripts and connections only from where the page came from, no eval, no inline script,
 * no plug-ins, no framing. Inline styles are allowed: Monaco lays out every line with a style
 * attribute and documents 'unsafe-inline' styles as a requirement (VS Code's own policy allows
 * them too); styles cannot run code. `connect` adds the WebSocket origin in serve mode.
 */
export function contentSecurityPolicy(connect: string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${connect.map((c) => ` ${c}`).join("")}`,
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join("; ");
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
export const isLoopback = (host: string): boolean => LOOPBACK.has(host) || host.startsWith("127.");
