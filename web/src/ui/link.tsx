import type { ReactNode, MouseEvent } from 'react';
import { navigate, useLocation } from '../router';

/** An <a> that navigates inside the app (modified clicks still open a new tab). */
export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  const loc = useLocation();
  const current = loc.path === to.split('?')[0];
  function click(e: MouseEvent<HTMLAnchorElement>) {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) {
      return;
    }
    e.preventDefault();
    navigate(to);
  }
  return (
    <a href={to} onClick={click} className={className} aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}
