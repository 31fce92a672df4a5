import { useEffect, useRef } from 'react';

/** Whether a key press is aimed at a text field (shortcuts must not steal typing). */
export function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/**
 * Single-key shortcuts for a page (ignored while typing in a field, and with Ctrl/Alt/Meta held),
 * plus optional Ctrl+Enter, which works in fields too (submit).
 */
export function useShortcuts(map: Record<string, () => void>, ctrlEnter?: () => void) {
  const ref = useRef(map);
  const submit = useRef(ctrlEnter);
  ref.current = map;
  submit.current = ctrlEnter;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && submit.current) {
        e.preventDefault();
        submit.current();
        return;
      }
      if (e.key === 'Escape' && typingIn(e.target)) {
        (e.target as HTMLElement).blur();
        return;
      }
      if (e.ctrlKey || e.altKey || e.metaKey || typingIn(e.target)) return;
      const fn = ref.current[e.key];
      if (fn) {
        e.preventDefault();
        fn();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
