/**
 * One staff action as a form: its fields, a submit that calls the typed helper, errors on the
 * fields they name, and what happened on success (the board and ledger update by themselves).
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { HearthError, Result } from '@hearth/client';
import { Alert, Field } from '../ui/field';
import { formErrors, type FormErrors } from './field-errors';

export interface FieldSpec {
  name: string;
  label: string;
  kind?: 'number' | 'text' | 'select';
  options?: Array<{ value: string; label: string }>;
  initial?: string;
}

export function ActionForm(props: {
  title: string;
  fields: FieldSpec[];
  quantityField: string;
  submit: (values: Record<string, string>) => Promise<Result<unknown>>;
  done: (value: any) => string;
  children?: ComponentChildren;
}) {
  const initial = Object.fromEntries(
    props.fields.map((f) => [f.name, f.initial ?? f.options?.[0]?.value ?? '']),
  );
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [errors, setErrors] = useState<FormErrors>({ fields: {} });
  const [ok, setOk] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const names = props.fields.map((f) => f.name);
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setOk(null);
    const res = await props.submit(values);
    setBusy(false);
    if (res.ok) {
      setErrors({ fields: {} });
      setOk(props.done(res.value));
    } else setErrors(formErrors(res.error as HearthError, props.quantityField, names));
  };
  return (
    <form class="action" aria-label={props.title} onSubmit={onSubmit} noValidate>
      <h3>{props.title}</h3>
      {props.fields.map((f) => (
        <Field label={f.label} error={errors.fields[f.name]}>
          {(attrs) =>
            f.kind === 'select' ? (
              <select
                {...attrs}
                name={f.name}
                value={values[f.name]}
                onChange={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })}
              >
                {f.options?.map((o) => (
                  <option value={o.value}>{o.label}</option>
                ))}
              </select>
            ) : (
              <input
                {...attrs}
                name={f.name}
                type="text"
                // Text, not type=number: what staff typed reaches the schema as typed, so a slip
                // gets the callable's own message on this field instead of a silently empty value.
                inputMode={f.kind === 'number' ? 'numeric' : 'text'}
                value={values[f.name]}
                onInput={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })}
              />
            )
          }
        </Field>
      ))}
      {props.children}
      <button type="submit" disabled={busy}>
        {props.title}
      </button>
      {errors.form && <Alert>{errors.form}</Alert>}
      {ok && <Alert kind="ok">{ok}</Alert>}
    </form>
  );
}

/** A number field's text as the callable's number; text that is no number stays text, so the schema names the field. */
export const num = (s: string | undefined): number => (s === undefined || s.trim() === '' ? NaN : Number(s));
