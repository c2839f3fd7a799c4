// The page's request for its figures, and the first one started early: request.ts runs as soon as it
// arrives (async), while the larger script that draws the page is still loading and compiling, so the
// server's answer and the script are on their way at the same time.

/** Where the read key is kept, for this browser tab only. */
export const KEY_STORAGE = 'coherence.readKey';

interface EarlyRequest {
  url: string;
  key: string | null;
  response: Promise<Response>;
}

declare global {
  interface Window {
    /** null once the page has asked for its figures: an early request arriving later is not wanted. */
    coherenceEarlyRequest?: EarlyRequest | null;
  }
}

export function requestInsight(url: string, key: string | null): Promise<Response> {
  return fetch(url, { headers: key ? { 'x-api-key': key } : {} });
}

export function startEarlyRequest(url: string): void {
  if (window.coherenceEarlyRequest === null) return;
  const key = sessionStorage.getItem(KEY_STORAGE);
  const response = requestInsight(url, key);
  // Its failure is reported by the page when it takes the answer, not as an unhandled rejection now.
  response.catch(() => {});
  window.coherenceEarlyRequest = { url, key, response };
}

/** The early request's answer, once, when it was for this URL and key; otherwise a new request. */
export function takeInsightResponse(url: string, key: string | null): Promise<Response> {
  const early = window.coherenceEarlyRequest;
  window.coherenceEarlyRequest = null;
  return early && early.url === url && early.key === key ? early.response : requestInsight(url, key);
}
