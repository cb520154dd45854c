import { SITE_NAME_LANGUAGES, type SiteNames } from '@concord/shared';

/**
 * One --site of create-session: "Daraa", or its names in the UI languages, English|Arabic|Russian
 * ("Daraa|درعا|Дараа"; a part may be left empty). The first name given is the site's one name.
 */
export function siteArg(arg: string): { name: string; names?: SiteNames } {
  const parts = arg.split('|').map((p) => p.trim());
  if (parts.length === 1) {
    return { name: arg };
  }
  const names: SiteNames = {};
  SITE_NAME_LANGUAGES.forEach((language, i) => {
    const part = parts[i];
    if (part !== undefined && part !== '') {
      names[language] = part;
    }
  });
  return { name: parts.find((p) => p !== '') ?? arg, names };
}
