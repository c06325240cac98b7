import type { InviteRow } from '../../db/schema.js';
import type { EmailContent } from './notification-email.js';

/** The invite e-mail (plain text): who invites whom to what, the token, and how to accept it before it expires. */
export function renderInviteEmail(
  invite: Pick<InviteRow, 'id' | 'role' | 'expires_at'>,
  names: { account: string; inviter: string | undefined; token: string; publicUrl: string | undefined },
): EmailContent {
  const who = names.inviter ?? 'Someone';
  const accept = `${names.publicUrl ?? ''}/accounts/invites/accept`;
  const lines = [
    `${who} invited you to join ${names.account} on Atelier (role: ${invite.role}).`,
    '',
    `Your invite token: ${names.token}`,
    '',
    'To accept in a browser and choose your password, open:',
    `  ${names.publicUrl ?? ''}/invite?token=${encodeURIComponent(names.token)}`,
    '',
    'Or send it to Atelier:',
    `  POST ${accept}`,
    `  {"token": "${names.token}"}`,
    'The answer holds the API key you sign in with (its secret is shown once).',
    'If this e-mail address already has a user on this Atelier, send it signed in as that user',
    '(with the header Authorization: Bearer <your access token>).',
    '',
    `The invite expires at ${invite.expires_at}.`,
    'If you did not expect it, ignore this message.',
    '',
    `Invite ${invite.id}`,
  ];
  return { subject: `[Atelier] ${who} invited you to ${names.account}`, text: `${lines.join('\n')}\n` };
}
