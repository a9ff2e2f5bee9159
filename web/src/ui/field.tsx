/** A labelled form control whose error is tied to it (aria-invalid, aria-describedby), as screen readers expect. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

let ids = 0;
const nextId = () => `f${++ids}`;

export function Field(props: {
  label: string;
  error?: string | undefined;
  children: (attrs: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby'?: string;
  }) => ComponentChildren;
}) {
  const [id] = useState(nextId);
  const errorId = `${id}-error`;
  return (
    <div class={`field${props.error ? ' invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      {props.children({
        id,
        'aria-invalid': !!props.error,
        ...(props.error ? { 'aria-describedby': errorId } : {}),
      })}
      {props.error && (
        <p class="field-error" id={errorId} role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

export function Alert(props: { kind?: 'error' | 'ok' | 'info'; children: ComponentChildren }) {
  const kind = props.kind ?? 'error';
  return (
    <p class={`alert ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </p>
  );
}
