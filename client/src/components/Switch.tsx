interface SwitchProps {
  testId: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: string;
  disabled?: boolean;
}

export function Switch({ testId, checked, onChange, label, disabled = false }: SwitchProps) {
  return (
    <label className="switch">
      <span className="switch__control">
        <input
          type="checkbox"
          role="switch"
          data-testid={testId}
          checked={checked}
          disabled={disabled}
          onChange={(e) => onChange(e.target.checked)}
        />
        <span className="switch__track" aria-hidden="true" />
      </span>
      <span>{label}</span>
    </label>
  );
}
