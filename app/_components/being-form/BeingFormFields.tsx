"use client";
import { splitTags, type BeingDraft, type DraftField } from "../../_lib/beingDraft";
import { FormField, inputClass } from "../ui/FormField";
import { JsonTextarea } from "../ui/JsonTextarea";
import { TagChips } from "../ui/TagChips";

/** Kinds of being from seed 001, offered as suggestions; any other word works too. */
const TYPE_SUGGESTIONS = ["agent", "class", "function", "kernel", "runtime", "fact", "room", "meme"];

const JSON_FIELDS = [
  { field: "attributes", label: "Attributes", placeholder: '{"role": "scout", "skills": ["search"]}' },
  { field: "memories", label: "Memories", placeholder: '{"first_seen": "2025-01-01"}' },
  { field: "self_awareness", label: "Self-awareness", placeholder: '{"mood": "curious"}' },
  { field: "genesis", label: "More genesis", placeholder: '{"source": "…", "ancestors": []}' },
] as const;

/**
 * The inputs of a being form (create and edit share them). Messages show for
 * fields in `visible`, so an untouched empty form does not shout.
 */
export function BeingFormFields({
  idPrefix,
  draft,
  errors,
  visible,
  onChange,
  disabled,
}: {
  idPrefix: string;
  draft: BeingDraft;
  errors: Partial<Record<DraftField, string>>;
  visible: (field: DraftField) => boolean;
  onChange: (field: DraftField, value: string) => void;
  disabled?: boolean;
}) {
  const shown = (field: DraftField) => (visible(field) ? errors[field] : undefined);
  const tags = splitTags(draft.tags);
  const text = (field: DraftField, props: { placeholder?: string; inputMode?: "numeric"; list?: string } = {}) => (
    <input
      id={`${idPrefix}-${field}`}
      data-testid={`being-${field}`}
      value={draft[field]}
      disabled={disabled}
      aria-invalid={shown(field) ? true : undefined}
      aria-describedby={shown(field) ? `${idPrefix}-${field}-error` : undefined}
      onChange={(e) => onChange(field, e.target.value)}
      className={inputClass}
      {...props}
    />
  );

  return (
    <div className="space-y-4">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-12">
        <FormField label="Name" htmlFor={`${idPrefix}-name`} error={shown("name")} errorTestId="being-name-error" className="col-span-2 md:col-span-4">
          {text("name", { placeholder: "Ada the scout" })}
        </FormField>
        <FormField label="Type" htmlFor={`${idPrefix}-type`} error={shown("type")} hint="genesis.type, optional" className="col-span-1 md:col-span-2">
          {text("type", { placeholder: "agent", list: `${idPrefix}-types` })}
          <datalist id={`${idPrefix}-types`}>
            {TYPE_SUGGESTIONS.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </FormField>
        <FormField
          label="Energy"
          htmlFor={`${idPrefix}-energy`}
          error={shown("energy")}
          errorTestId="being-energy-error"
          hint="A whole number"
          className="col-span-1 md:col-span-2"
        >
          {text("energy", { inputMode: "numeric", placeholder: "0" })}
        </FormField>
        <FormField
          label="Tags"
          htmlFor={`${idPrefix}-tags`}
          error={shown("tags")}
          errorTestId="being-tags-error"
          hint={tags.length ? <TagChips tags={tags} /> : "Separate with commas"}
          className="col-span-2 md:col-span-4"
        >
          {text("tags", { placeholder: "agent, research" })}
        </FormField>
      </div>
      <div className="grid gap-3 md:grid-cols-2">
        {JSON_FIELDS.map(({ field, label, placeholder }) => (
          <JsonTextarea
            key={field}
            id={`${idPrefix}-${field}`}
            testId={`being-${field}`}
            label={label}
            value={draft[field]}
            error={shown(field)}
            placeholder={placeholder}
            hint={field === "genesis" ? "Extra genesis keys (source, ancestors, meta…); name and type come from above" : "A JSON object; leave blank for {}"}
            disabled={disabled}
            onChange={(value) => onChange(field, value)}
          />
        ))}
      </div>
    </div>
  );
}
