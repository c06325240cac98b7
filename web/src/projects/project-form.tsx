import { useId, useState, type FormEvent } from 'react';
import type { Project } from '../api/types';
import { FormFooter } from '../ui/form-footer';
import { formErrorsOf, NO_ERRORS, type FormErrors } from '../ui/field-error';
import { fieldProblems } from '../ui/field-problems';
import { MemberSelect } from '../ui/member-select';
import { useMembers } from '../ui/people';

export const PROJECT_STATUSES = ['active', 'on_hold', 'completed', 'archived'] as const;
export const statusLabel = (s: string) => s.replace('_', ' ');

export interface ProjectBody {
  name: string;
  description: string;
  status: Project['status'];
  launch_date: string | null;
  /** Left out when not chosen: the API defaults the sponsor to the caller and the owner to the sponsor. */
  sponsor_id?: string | null;
  owner_id?: string | null;
}

const FIELDS = ['/name', '/description', '/status', '/launch_date', '/sponsor_id', '/owner_id'] as const;

/** Create or edit a project; the API validates (name length, date form) and its messages show under the fields. */
export function ProjectForm({ initial, submitLabel, onSubmit, onCancel }: {
  initial?: Project;
  submitLabel: string;
  onSubmit: (body: ProjectBody) => Promise<void>;
  onCancel?: () => void;
}) {
  const id = useId();
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [status, setStatus] = useState<Project['status']>(initial?.status ?? 'active');
  const [launch, setLaunch] = useState(initial?.launch_date?.slice(0, 10) ?? '');
  const [sponsor, setSponsor] = useState(initial?.sponsor_id ?? '');
  const [owner, setOwner] = useState(initial?.owner_id ?? '');
  const members = useMembers();
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      // A new project without a choice gets the API's defaults; an edit sends what the lists show (empty clears).
      const people = initial ? { sponsor_id: sponsor || null, owner_id: owner || null } : { ...(sponsor ? { sponsor_id: sponsor } : {}), ...(owner ? { owner_id: owner } : {}) };
      await onSubmit({ name, description, status, launch_date: launch || null, ...people });
      setErrors(NO_ERRORS);
    } catch (err) {
      setErrors(formErrorsOf(err, FIELDS));
    } finally {
      setBusy(false);
    }
  }

  const { problem, errorId, fieldError } = fieldProblems(errors, id);

  return (
    <form onSubmit={submit} className="stack-form" noValidate>
      <label>
        Name
        <input required value={name} onChange={(e) => setName(e.target.value)} aria-invalid={problem('/name') ? true : undefined} aria-describedby={errorId('/name')} />
      </label>
      {fieldError('/name')}
      <label>
        Description
        <textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} aria-describedby={errorId('/description')} />
      </label>
      {fieldError('/description')}
      <div className="inline-form">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as Project['status'])}>
            {PROJECT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Launch date
          <input type="date" value={launch} onChange={(e) => setLaunch(e.target.value)} aria-invalid={problem('/launch_date') ? true : undefined} aria-describedby={errorId('/launch_date')} />
        </label>
        {fieldError('/launch_date')}
        <MemberSelect label="Sponsor" value={sponsor} onChange={setSponsor} members={members} empty={initial ? 'Nobody' : 'You'} invalid={problem('/sponsor_id')} describedBy={errorId('/sponsor_id')} />
        {fieldError('/sponsor_id')}
        <MemberSelect label="Owner" value={owner} onChange={setOwner} members={members} empty={initial ? 'Nobody' : 'The sponsor'} invalid={problem('/owner_id')} describedBy={errorId('/owner_id')} />
        {fieldError('/owner_id')}
      </div>
      <FormFooter general={errors.general} busy={busy} submitLabel={submitLabel} onCancel={onCancel} />
    </form>
  );
}
