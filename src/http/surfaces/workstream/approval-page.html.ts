import type { ApprovalPage } from '../../../domain/approvals/approval-page.service.js';

/* The approval page's HTML: small, server-rendered, no script; every value escaped. */

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
/** Comments are the approvers' HTML (Webdam stores HTML); shown as text, never as markup. */
const text = (html: string): string => esc(html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim());

const ANSWER: Record<number, string> = { 1: 'pending', 2: 'approved', 3: 'rejected', 4: 'approved with changes' };
const STATUS: Record<number, string> = { 1: 'Pending', 2: 'Approved', [-1]: 'Cancelled' };

export const PAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors *";

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f5f5f4;color:#1c1917}main{max-width:720px;margin:0 auto;padding:24px}
img{max-width:100%;background:#e7e5e4;border-radius:6px}section{background:#fff;border-radius:8px;padding:16px;margin:16px 0}
.muted{color:#57534e}label{display:block;margin:4px 0}textarea{width:100%;min-height:80px}button{padding:8px 16px;margin-top:8px}</style></head>
<body><main>${body}</main></body></html>`;
}

export function renderPage(page: ApprovalPage, basePath: string, flash?: string): string {
  const a = page.approval;
  const q = `${page.form.kind}=${encodeURIComponent(page.form.value)}`;
  const parts = [`<h1>${esc(page.asset.name)}</h1>`];
  if (flash) {
    parts.push(`<section role="status"><strong>${esc(flash)}</strong></section>`);
  }
  parts.push(`<img src="${basePath}/preview?${q}" alt="Preview of ${esc(page.asset.name)}">`);
  if (!a) {
    parts.push('<section><p>This file has no approval yet.</p></section>');
  } else {
    parts.push(`<section><p>Approval: <strong>${STATUS[a.status] ?? String(a.status)}</strong>${a.current_stage > 0 ? `, stage ${a.current_stage} of ${a.stage_count}` : ''}.</p>${a.comments ? `<p class="muted">${text(a.comments)}</p>` : ''}${a.due_date ? `<p class="muted">Due ${esc(a.due_date.slice(0, 10))}</p>` : ''}</section>`);
    const items = page.comments.map((c) => `<li><span class="muted">${esc(c.user_email || 'guest')} (${ANSWER[c.response] ?? ''}):</span> ${text(c.value)}</li>`);
    parts.push(`<section><h2>Comments</h2>${items.length ? `<ul>${items.join('')}</ul>` : '<p class="muted">No comments you can see.</p>'}</section>`);
    if (page.slot) {
      parts.push(`<section><h2>Your answer</h2><form method="post" action="${basePath}/answer">
<input type="hidden" name="${page.form.kind}" value="${esc(page.form.value)}">
<label><input type="radio" name="response" value="2" required> Approve</label>
<label><input type="radio" name="response" value="4"> Approve with changes</label>
<label><input type="radio" name="response" value="3"> Reject</label>
<label for="message">Message (optional)</label><textarea id="message" name="message" maxlength="3000"></textarea>
<button type="submit">Send</button></form><p class="muted">Currently: ${ANSWER[page.slot.response] ?? ''}.</p></section>`);
    } else {
      parts.push('<section><p class="muted">You have nothing to answer on this approval now.</p></section>');
    }
  }
  return layout(`Approval: ${page.asset.name}`, parts.join('\n'));
}

export function renderProblem(status: number, message: string): string {
  return layout('Approval', `<h1>${status === 404 ? 'Link not valid' : 'Something is wrong'}</h1><section><p>${esc(message)}</p></section>`);
}
