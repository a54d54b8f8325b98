"use client";
import { FormField, inputClass } from "./FormField";

/** A textarea for a JSON object with its live validation message. */
export function JsonTextarea({
  id,
  label,
  value,
  onChange,
  error,
  hint = "A JSON object; leave blank for {}",
  placeholder = '{"key": "value"}',
  testId,
  rows = 4,
  disabled,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: string;
  placeholder?: string;
  testId: string;
  rows?: number;
  disabled?: boolean;
}) {
  return (
    <FormField label={label} htmlFor={id} hint={hint} error={error} errorTestId={`${testId}-error`}>
      <textarea
        id={id}
        data-testid={testId}
        value={value}
        rows={rows}
        spellCheck={false}
        disabled={disabled}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
        className={`${inputClass} resize-y font-mono text-xs leading-relaxed`}
      />
    </FormField>
  );
}
