import { Link } from '../ui/link';

/** The administration pages' own navigation (a landmark of its own, so screen readers can jump between them). */
export function AdminNav() {
  return (
    <nav aria-label="Administration" className="tabs admin-nav">
      <Link to="/admin">Members and invites</Link>
      <Link to="/admin/webhooks">Webhooks</Link>
      <Link to="/admin/settings">Settings</Link>
    </nav>
  );
}
