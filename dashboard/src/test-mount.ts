import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach } from 'vitest';

// React's act() warns unless it is told it runs in a test environment.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export interface Mounted {
  /** The element the component renders into, attached to the document. */
  readonly host: HTMLDivElement;
  readonly root: Root;
}

/** Component tests: a fresh React root in the document for each test of the file, removed after it. */
export function mountPerTest(): Mounted {
  const mounted = {} as { host: HTMLDivElement; root: Root };
  beforeEach(() => {
    mounted.host = document.createElement('div');
    document.body.append(mounted.host);
    mounted.root = createRoot(mounted.host);
  });
  afterEach(() => {
    act(() => mounted.root.unmount());
    mounted.host.remove();
  });
  return mounted;
}
