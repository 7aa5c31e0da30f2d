// The settings in force (the `settings` JSON, secrets already masked by the service) as
// sections of name/value pairs: one section per top-level key, nested objects flattened into
// dotted names so every value is one line.

export interface SettingEntry {
  /** `smtp.port` inside section `mail`. */
  name: string;
  value: string;
  /** The service masked it (a password, a token, a URL's credentials). */
  masked: boolean;
}

export interface SettingsSection {
  name: string;
  entries: SettingEntry[];
}

/** The service's mask for secrets: `***`, or a URL's `user:***@host`. */
const MASKED = /\*\*\*/;

/** A value as one line: strings as they are, `null` as "not set", lists and numbers as JSON. */
export function settingValue(value: unknown): string {
  if (value === null || value === undefined) return 'not set';
  if (typeof value === 'string') return value === '' ? '(empty)' : value;
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  return JSON.stringify(value);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function flatten(prefix: string, value: unknown, out: SettingEntry[]): void {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const key of Object.keys(value).sort()) flatten(prefix ? `${prefix}.${key}` : key, value[key], out);
    return;
  }
  const text = isObject(value) ? '(none)' : settingValue(value);
  out.push({ name: prefix, value: text, masked: typeof value === 'string' && MASKED.test(value) });
}

/**
 * The sections of a settings object, by name; scalar top-level settings gather in a
 * "general" section first. Anything but an object gives no sections.
 */
export function settingsSections(settings: unknown): SettingsSection[] {
  if (!isObject(settings)) return [];
  const general: SettingEntry[] = [];
  const sections: SettingsSection[] = [];
  for (const key of Object.keys(settings).sort()) {
    const value = settings[key];
    if (isObject(value)) {
      const entries: SettingEntry[] = [];
      if (Object.keys(value).length > 0) flatten('', value, entries);
      sections.push({ name: key, entries });
    } else {
      general.push({ name: key, value: settingValue(value), masked: typeof value === 'string' && MASKED.test(value) });
    }
  }
  return general.length > 0 ? [{ name: 'general', entries: general }, ...sections] : sections;
}

/** "smpp" → "SMPP", "mail" → "Mail", "rate_limits" → "Rate limits". */
export function sectionTitle(name: string): string {
  const known: Record<string, string> = { smpp: 'SMPP', http: 'HTTP', mm7: 'MM7', smtp: 'SMTP', mms: 'MMS', sms: 'SMS', ui: 'UI', graphql: 'GraphQL' };
  if (known[name]) return known[name];
  const words = name.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
