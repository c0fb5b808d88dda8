/** The alert pages' paths: matched here so the shared router stays about the explorer views. */
export type AlertRoute =
  | { readonly view: 'alerts' }
  | { readonly view: 'alert-new' }
  | { readonly view: 'alert'; readonly id: string }
  | { readonly view: 'alert-edit'; readonly id: string };

/** The alert page at `path`, or null when it is not under /alerts. */
export function matchAlertRoute(path: string): AlertRoute | null {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'alerts') return null;
  const [, id, action, ...rest] = parts;
  if (rest.length > 0) return null;
  if (id === undefined) return { view: 'alerts' };
  if (action === undefined) return id === 'new' ? { view: 'alert-new' } : { view: 'alert', id };
  return action === 'edit' && id !== 'new' ? { view: 'alert-edit', id } : null;
}

export const alertPath = (id: string): string => `/alerts/${encodeURIComponent(id)}`;
export const alertEditPath = (id: string): string => `${alertPath(id)}/edit`;
