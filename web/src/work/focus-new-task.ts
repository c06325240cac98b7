import { useEffect, useState, type RefObject } from 'react';

/**
 * Where the focus goes when a task form closes (Work page, asset page): to the new task's link where the page lists
 * it (an element with `data-task-id` under `root`, else anywhere on the page), else to `fallback`, the button that
 * opened the form; `focusOn('')` after a cancel. It waits while `ready` is false (form still open, list not loaded).
 */
export function useFocusNewTask(fallback: RefObject<HTMLElement | null>, ready: boolean, root?: RefObject<HTMLElement | null>): (taskId: string) => void {
  const [target, setTarget] = useState<string | null>(null);
  useEffect(() => {
    if (target === null || !ready) {
      return;
    }
    const link = target ? (root?.current ?? document).querySelector<HTMLElement>(`[data-task-id="${CSS.escape(target)}"] a`) : null;
    (link ?? fallback.current)?.focus();
    setTarget(null);
  }, [target, ready, root, fallback]);
  return setTarget;
}
