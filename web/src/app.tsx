import { useCallback, useEffect, useState } from 'react';
import { api, fetchSession, onSignedOut, setTenancy, signOut } from './api/client';
import type { Account, Session } from './api/types';
import { AdminPage } from './admin/admin-page';
import { ApprovalsPage } from './approvals/approvals-page';
import { AssetPage } from './asset/asset-page';
import { ComparePage } from './asset/compare-page';
import { InvitePage } from './auth/invite-page';
import { SignInPage } from './auth/sign-in';
import { BrowsePage } from './browse/browse-page';
import { ProfilePage } from './profile/profile-page';
import { navigate, useLocation } from './router';
import { TrashPage } from './trash/trash-page';
import { UploadPage } from './upload/upload-page';
import { TaskPage } from './work/task-page';
import { WorkPage } from './work/work-page';
import { Link } from './ui/link';
import { NotificationBell } from './notifications/bell';
import { SettingsPage } from './admin/settings-page';
import { WebhooksPage } from './admin/webhooks-page';
import { ProjectPage } from './projects/project-page';
import { ProjectsPage } from './projects/projects-page';
import { adminIn } from './ui/permissions';
import { LiveConnection } from './live/live';

const WORKSPACE_KEY = 'atelier.workspace';

interface Place {
  accountId: string;
  workspaceId: string;
}

const placeKey = (p: Place) => `${p.accountId}/${p.workspaceId}`;

/** Where the person last worked, if they still can; else their first workspace. */
function choosePlace(accounts: Account[], wanted: string | null): Place | null {
  for (const account of accounts) {
    const ws = account.workspaces.find((w) => `${account.id}/${w.id}` === wanted);
    if (ws) {
      return { accountId: account.id, workspaceId: ws.id };
    }
  }
  const account = accounts.find((a) => a.workspaces.length > 0);
  const first = account?.workspaces[0];
  return account && first ? { accountId: account.id, workspaceId: first.id } : null;
}

/** The workspace this person last worked in on this browser (stored with their user id, so no one else's is used). */
function rememberedPlace(userId: string): Place | null {
  const m = /^([^:]+):([^/]+)\/(.+)$/.exec(localStorage.getItem(WORKSPACE_KEY) ?? '');
  return m && m[1] === userId ? { accountId: m[2]!, workspaceId: m[3]! } : null;
}

function rememberPlace(userId: string, p: Place): void {
  localStorage.setItem(WORKSPACE_KEY, `${userId}:${placeKey(p)}`);
}

export function App() {
  const loc = useLocation();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [accounts, setAccounts] = useState<Account[]>([]);
  // undefined: not known yet (the accounts are loading and nothing is remembered); null: no workspace at all.
  const [place, setPlace] = useState<Place | null | undefined>(undefined);

  const toSignIn = useCallback(() => {
    setSession(null);
    if (location.pathname !== '/sign-in' && location.pathname !== '/invite') {
      navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    }
  }, []);

  useEffect(() => onSignedOut(toSignIn), [toSignIn]);
  useEffect(() => {
    fetchSession().then((s) => (s ? setSession(s) : toSignIn()), toSignIn);
  }, [toSignIn]);

  useEffect(() => {
    if (!session) {
      return;
    }
    // The remembered workspace opens at once, while /users/accounts (which also computes every workspace's usage,
    // 0.3 s on a workspace of 100,000 assets) loads for the switcher; bench/web measured this wait on every load.
    // If the person lost access meanwhile, the list below moves them to a workspace they can open.
    const fast = rememberedPlace(session.user.id);
    setTenancy(fast ?? { accountId: null, workspaceId: null });
    setPlace(fast ?? undefined);
    void api<Account[]>('GET', '/users/accounts').then((list) => {
      setAccounts(list);
      const p = choosePlace(list, fast ? placeKey(fast) : null);
      if (p) {
        setTenancy(p);
        rememberPlace(session.user.id, p);
      }
      setPlace((prev) => (prev && p && placeKey(prev) === placeKey(p) ? prev : p));
    });
  }, [session]);

  function switchTo(value: string) {
    const p = choosePlace(accounts, value);
    if (p && session) {
      rememberPlace(session.user.id, p);
      setTenancy(p);
      setPlace(p);
      navigate('/browse');
    }
  }

  if (session === undefined) {
    return <p className="loading" role="status">Loading…</p>;
  }
  if (loc.path === '/invite') {
    return (
      <InvitePage
        signedIn={session}
        onSignedIn={(s) => {
          setSession({ ...s });
          navigate('/browse', { replace: true });
        }}
      />
    );
  }
  if (session === null || loc.path === '/sign-in') {
    return (
      <SignInPage
        onSignedIn={(s) => {
          setSession(s);
          const next = new URLSearchParams(location.search).get('next');
          navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/browse', { replace: true });
        }}
      />
    );
  }

  const key = place ? placeKey(place) : 'none';
  let page;
  if (place === undefined) {
    page = <p className="loading" role="status">Loading…</p>;
  } else if (!place) {
    page = <p className="empty">You do not belong to any workspace yet. Ask an administrator to invite you.</p>;
  } else if (/^\/a\/[^/]+\/compare$/.test(loc.path)) {
    page = <ComparePage key={key + loc.path} assetId={decodeURIComponent(loc.path.split('/')[2] ?? '')} />;
  } else if (loc.path.startsWith('/a/')) {
    page = <AssetPage key={key + loc.path} assetId={decodeURIComponent(loc.path.slice(3))} me={session.user.id} />;
  } else if (loc.path.startsWith('/work/t/')) {
    page = <TaskPage key={key + loc.path} taskId={decodeURIComponent(loc.path.slice(8))} />;
  } else if (loc.path === '/work') {
    page = <WorkPage key={key} />;
  } else if (loc.path === '/approvals') {
    page = <ApprovalsPage key={key} email={session.user.email} />;
  } else if (loc.path === '/upload') {
    page = <UploadPage key={key} />;
  } else if (loc.path === '/trash') {
    page = <TrashPage key={key} />;
  } else if (loc.path === '/admin/webhooks') {
    page = <WebhooksPage key={key} />;
  } else if (loc.path === '/admin/settings') {
    page = <SettingsPage key={key} />;
  } else if (loc.path.startsWith('/projects/')) {
    page = <ProjectPage key={key + loc.path} projectId={decodeURIComponent(loc.path.slice(10))} />;
  } else if (loc.path === '/projects') {
    page = <ProjectsPage key={key} />;
  } else if (loc.path === '/admin') {
    page = <AdminPage key={key} />;
  } else if (loc.path === '/profile') {
    page = <ProfilePage key={key} user={session.user} />;
  } else {
    page = <BrowsePage key={key} />;
  }

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/browse" className="brand">
          Atelier
        </Link>
        <nav aria-label="Main">
          <Link to="/browse">Browse</Link>
          <Link to="/upload">Upload</Link>
          <Link to="/work">Work</Link>
          <Link to="/projects">Projects</Link>
          <Link to="/approvals">Approvals</Link>
          <Link to="/trash">Trash</Link>
          <Link to="/profile">Profile</Link>
          {adminIn(accounts, place) && <Link to="/admin">Admin</Link>}
        </nav>
        <label className="switcher">
          <span className="sr-only">Workspace</span>
          <select value={key} onChange={(e) => switchTo(e.target.value)}>
            {accounts.map((a) => (
              <optgroup key={a.id} label={a.name}>
                {a.workspaces.map((w) => (
                  <option key={w.id} value={`${a.id}/${w.id}`}>
                    {a.name} / {w.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        {place && <LiveConnection key={`live-${key}`} />}
        {place && <NotificationBell key={key} />}
        <span className="who" title={session.user.email}>
          {session.user.email}
        </span>
        <button
          type="button"
          onClick={async () => {
            await signOut().catch(() => undefined);
            setSession(null);
            navigate('/sign-in', { replace: true });
          }}
        >
          Sign out
        </button>
      </header>
      <div id="main" className="main" tabIndex={-1}>
        {page}
      </div>
    </div>
  );
}
