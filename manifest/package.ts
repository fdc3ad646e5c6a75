import AdmZip from 'adm-zip';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Builds the Teams app package: manifest.json with its placeholders filled in, plus the two icons, at the
 * root of a zip (the layout Teams and the Developer Portal accept for upload).
 *
 *   npm run build && BOT_ID=<Azure Bot app id> [TEAMS_APP_ID=<GUID>] node dist/manifest/package.js
 *
 * writes dist/helpdesk-reset.zip. TEAMS_APP_ID defaults to BOT_ID (Teams allows the two to be equal).
 */

export const MANIFEST_FOLDER = resolve(__dirname, '../../manifest');
export const PACKAGE_PATH = resolve(__dirname, '../helpdesk-reset.zip');
export const ICON_FILES = ['color.png', 'outline.png'] as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PLACEHOLDER = /\$\{\{([A-Z0-9_]+)\}\}/g;

export interface PackageSettings {
  /** The Azure Bot's Microsoft App ID (MicrosoftAppId). */
  botId: string;
  /** The Teams app id (manifest `id`). */
  teamsAppId: string;
}

/** Reads the settings from the environment; throws a message naming every missing or malformed variable. */
export function settingsFromEnvironment(env: NodeJS.ProcessEnv): PackageSettings {
  const botId = env.BOT_ID?.trim() ?? '';
  const explicitAppId = env.TEAMS_APP_ID?.trim() ?? '';
  const problems = [
    ...(GUID.test(botId) ? [] : ['BOT_ID must be the Azure Bot app id (a GUID)']),
    ...(explicitAppId === '' || GUID.test(explicitAppId) ? [] : ['TEAMS_APP_ID, when set, must be a GUID']),
  ];
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return { botId, teamsAppId: explicitAppId === '' ? botId : explicitAppId };
}

/** manifest.json with `${{NAME}}` placeholders replaced; an unknown placeholder is an error, not a blank. */
export function renderManifest(template: string, settings: PackageSettings): string {
  const values: Record<string, string> = { BOT_ID: settings.botId, TEAMS_APP_ID: settings.teamsAppId };
  const rendered = template.replace(PLACEHOLDER, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`manifest.json uses ${placeholder}, which nothing fills in`);
    return value;
  });
  JSON.parse(rendered); // a value must never break the JSON
  return rendered;
}

/** The package as zip bytes. */
export function buildPackage(settings: PackageSettings, manifestFolder = MANIFEST_FOLDER): Buffer {
  const zip = new AdmZip();
  const template = readFileSync(join(manifestFolder, 'manifest.json'), 'utf8');
  zip.addFile('manifest.json', Buffer.from(renderManifest(template, settings), 'utf8'));
  for (const icon of ICON_FILES) zip.addFile(icon, readFileSync(join(manifestFolder, icon)));
  return zip.toBuffer();
}

if (require.main === module) {
  try {
    const zip = buildPackage(settingsFromEnvironment(process.env));
    mkdirSync(dirname(PACKAGE_PATH), { recursive: true });
    writeFileSync(PACKAGE_PATH, zip);
    process.stdout.write(`Wrote ${PACKAGE_PATH}\n`);
  } catch (error) {
    process.stderr.write(
      `Cannot build the Teams app package: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}
